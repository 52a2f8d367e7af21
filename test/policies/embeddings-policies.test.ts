/**
 * Embedding inputs are texts sent to a provider like prompts: data_masking
 * masks them before the provider sees them, and a guardrail refuses them,
 * through the official OpenAI SDK against the provider simulator.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type AiFixture, startAiFixture } from "../ai/e2e/fixture.ts";

const EMAIL = "ann.lee@example.com";

let f: AiFixture;
const clients: Record<string, OpenAI> = {};

beforeAll(async () => {
  f = await startAiFixture();
  const svc = await f.g.store.getByName("services", "ai");
  const policies = {
    masked: { kind: "data_masking", config: { apply_to: ["request"] } },
    guarded: { kind: "guardrail", config: { apply_to: ["request"], keywords: ["forbidden"] } },
  } as const;
  for (const [name, p] of Object.entries(policies)) {
    const app = await f.g.create("applications", { name });
    await f.g.create("subscriptions", { application_id: app.id, service_id: svc!.id });
    await f.g.create("policies", { name: `emb-${name}`, kind: p.kind, scope: "application", application_id: app.id, config: p.config });
    clients[name] = new OpenAI({ baseURL: f.baseURL, apiKey: (await f.g.apiKey(app.id)).key, maxRetries: 0 });
  }
  clients.plain = new OpenAI({ baseURL: f.baseURL, apiKey: f.appKey, maxRetries: 0 });
  await f.g.synced();
});
afterAll(() => f.stop());

const lastProviderBody = () => JSON.stringify(f.mock.control.requests.at(-1)?.body);

test("data_masking masks every embedding input as the provider receives it", async () => {
  const res = await clients.masked!.embeddings.create({ model: "embed-default", input: [`write to ${EMAIL}`, "nothing here"] });
  expect(res.data).toHaveLength(2);
  const body = lastProviderBody();
  expect(body).not.toContain(EMAIL);
  expect(body).toContain("write to [REDACTED:email]");
  expect(body).toContain("nothing here");
});

test("without the policy the same input reaches the provider as sent", async () => {
  await clients.plain!.embeddings.create({ model: "embed-default", input: `write to ${EMAIL}` });
  expect(lastProviderBody()).toContain(EMAIL);
});

test("a guardrail refuses an embedding input with a denied keyword before any provider is called", async () => {
  const before = f.mock.control.requests.length;
  const err = await clients.guarded!.embeddings.create({ model: "embed-default", input: ["fine", "this is forbidden"] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("guardrail_violation");
  expect(f.mock.control.requests.length).toBe(before);
  const ok = await clients.guarded!.embeddings.create({ model: "embed-default", input: "all fine" });
  expect(ok.data).toHaveLength(1);
});
