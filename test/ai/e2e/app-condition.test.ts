/** `app.name` conditions route by the calling application's name; target params use OpenAI names. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type AiFixture, parseMockReply, startAiFixture } from "./fixture.ts";

let f: AiFixture;
let otherKey = "";

beforeAll(async () => {
  f = await startAiFixture();
  await f.g.store.create("virtual_models", {
    name: "chat-by-app",
    description: "",
    route: {
      type: "conditional",
      rules: [{ when: [{ field: "app.name", op: "eq", value: "app" }], then: { type: "target", provider: "gm", model: "gemini-2.5-flash", params: { max_tokens: 3 } } }],
      default: { type: "target", provider: "oa", model: "gpt-4o-mini" },
    },
  });
  const other = await f.g.create("applications", { name: "other-app" });
  const svc = await f.g.store.getByName("services", "ai");
  await f.g.create("subscriptions", { application_id: other.id, service_id: svc!.id });
  const { key } = await f.g.apiKey(other.id, "other");
  otherKey = key;
  await f.g.synced();
});
afterAll(() => f.stop());

test("the rule matches the application by name, others take the default", async () => {
  const mine = new OpenAI({ baseURL: f.baseURL, apiKey: f.appKey, maxRetries: 0 });
  const theirs = new OpenAI({ baseURL: f.baseURL, apiKey: otherKey, maxRetries: 0 });
  const a = await mine.chat.completions.create({ model: "chat-by-app", messages: [{ role: "user", content: "hello there my friend" }] });
  expect(a.choices[0]!.message.content?.startsWith("[gemini:")).toBe(true);
  // params: { max_tokens: 3 } reached the provider as its own output limit.
  expect(a.choices[0]!.finish_reason).toBe("length");
  const b = await theirs.chat.completions.create({ model: "chat-by-app", messages: [{ role: "user", content: "hello there my friend" }] });
  expect(parseMockReply(b.choices[0]!.message.content ?? "").provider).toBe("openai");
});
