/**
 * Fallback that carries the conversation: whatever way the primary fails
 * before the first byte, the backup answers the same, complete conversation;
 * after the first streamed byte, the stream ends with a clean error event;
 * cooled-down keys and ejected providers come back by themselves.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { providerData } from "../../support/gateway.ts";
import { type AiFixture, parseMockReply, startAiFixture } from "./fixture.ts";

let f: AiFixture;
let client: OpenAI;

beforeAll(async () => {
  f = await startAiFixture();
  client = new OpenAI({ baseURL: f.baseURL, apiKey: f.appKey, maxRetries: 0 });
  await f.g.store.create("virtual_models", {
    name: "chat-quick",
    description: "",
    route: {
      type: "fallback",
      targets: [
        { type: "target", provider: "an", model: "claude-sonnet-4-5", timeout_ms: 300 },
        { type: "target", provider: "gm", model: "gemini-2.5-flash" },
      ],
    },
  });
  await f.g.synced();
});
afterAll(() => f.stop());
afterEach(() => {
  f.mock.control.faults.length = 0;
  f.mock.control.always.clear();
});

const tool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } },
};
const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** A conversation with everything fallback must carry: system, history, an image, tools, a tool call and its result. */
const conversation: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
  { role: "system", content: "You are terse." },
  { role: "user", content: [{ type: "text", text: "what is in this picture?" }, { type: "image_url", image_url: { url: PIXEL } }] },
  { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"pixel"}' } }] },
  { role: "tool", tool_call_id: "call_1", content: "a single pixel" },
  { role: "user", content: "so, final answer?" },
];

async function askWithFault(fault: Parameters<AiFixture["mock"]["control"]["faults"]["push"]>[0], model = "chat-default") {
  f.mock.control.faults.push(fault);
  const res = await client.chat.completions.create({ model, messages: conversation, tools: [tool], tool_choice: "none" }).withResponse();
  return { body: res.data, requestId: res.response.headers.get("x-request-id") ?? "" };
}

for (const [name, fault] of [
  ["a 500", { provider: "anthropic", kind: "status", status: 500 }],
  ["a dropped connection before the first byte", { provider: "anthropic", kind: "reset" }],
  ["a 429", { provider: "anthropic", kind: "status", status: 429, retryAfterSeconds: 1 }],
] as const) {
  test(`primary fails with ${name}: the backup answers the whole conversation`, async () => {
    const { body, requestId } = await askWithFault(fault);
    const reply = parseMockReply(body.choices[0]!.message.content ?? "");
    expect(reply.provider).toBe("openai");
    expect(reply).toMatchObject({ system: 1, messages: 4, tools: 1, images: 1, toolResults: 1 });
    expect(reply.echo).toContain("so, final answer?");
    const record = await f.g.record(requestId);
    expect(record.ai?.attempts.map((a) => [a.provider, a.result])).toEqual([
      ["an", name === "a 500" ? "server" : name === "a 429" ? "rate_limited" : "reset"],
      ["oa", "ok"],
    ]);
    expect(record.ai?.virtual_model).toBe("chat-default");
    expect(record.ai?.provider).toBe("oa");
    // The rate-limited key now rests for its Retry-After; let it come back before the next test.
    if (name === "a 429") await Bun.sleep(1100);
  });
}

test("primary times out before the first byte: the backup answers within the per-target timeout", async () => {
  const started = performance.now();
  const { body } = await askWithFault({ provider: "anthropic", kind: "timeout" }, "chat-quick");
  expect(parseMockReply(body.choices[0]!.message.content ?? "").provider).toBe("gemini");
  expect(performance.now() - started).toBeLessThan(2000);
});

test("a failure after the first streamed byte ends the stream with a clean error event", async () => {
  f.mock.control.faults.push({ provider: "anthropic", kind: "midstream", afterEvents: 4 });
  const stream = await client.chat.completions.create({ model: "chat-default", messages: [{ role: "user", content: "a long story please, many words" }], stream: true });
  let text = "";
  const err = await (async () => {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  })().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  expect(text.length).toBeGreaterThan(0);
  expect(text.startsWith("[anthropic:")).toBe(true);
});

test("the Anthropic SDK sees a mid-stream failure as its own error event", async () => {
  const anthropic = new Anthropic({ baseURL: f.baseURL.replace(/\/v1$/, ""), apiKey: f.appKey, maxRetries: 0 });
  f.mock.control.faults.push({ provider: "anthropic", kind: "midstream", afterEvents: 4 });
  const stream = anthropic.messages.stream({ model: "chat-default", max_tokens: 100, messages: [{ role: "user", content: "tell me more words" }] });
  const err = await stream.finalMessage().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.APIError);
});

test("a rate-limited key cools down for its Retry-After, the other key serves, and it comes back by itself", async () => {
  // Route straight to the two-key OpenAI provider.
  f.mock.control.faults.push({ provider: "openai", kind: "status", status: 429, retryAfterSeconds: 1 });
  const first = await client.chat.completions.create({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
  expect(parseMockReply(first.choices[0]!.message.content ?? "").provider).toBe("openai");
  const keysOf = (n: number) => f.mock.control.requests.slice(-n).map((r) => r.headers.authorization);
  const [limited, served] = keysOf(2);
  expect(limited).not.toBe(served);
  const cooling = f.g.gw.health().find((t) => t.cooldown !== null);
  expect(cooling?.cooldown?.reason).toContain("rate limited");
  for (let i = 0; i < 4; i++) await client.chat.completions.create({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
  expect(new Set(keysOf(4))).toEqual(new Set([served]));
  await Bun.sleep(1100);
  for (let i = 0; i < 6; i++) await client.chat.completions.create({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
  expect(new Set(keysOf(6)).size).toBe(2);
});

test("a failing provider is ejected, traffic goes to the backup at once, and the provider comes back by itself", async () => {
  await f.g.store.create(
    "providers",
    providerData({
      name: "an-flaky",
      kind: "anthropic",
      base_url: `${f.mock.url}/anthropic`,
      keys: [{ name: "k1", secret: "sk-ant-flaky" }],
      outlier_detection: { consecutive_gateway_errors: 2, base_ejection_ms: 400, max_ejection_ms: 1000, max_ejection_percent: 100 },
    }),
  );
  await f.g.store.create("virtual_models", {
    name: "chat-flaky",
    description: "",
    route: { type: "fallback", targets: [{ type: "target", provider: "an-flaky", model: "claude-sonnet-4-5" }, { type: "target", provider: "oa", model: "gpt-4o-mini" }] },
  });
  await f.g.synced();
  f.mock.control.always.set("anthropic", { kind: "status", status: 503 });
  const ask = async () => (await client.chat.completions.create({ model: "chat-flaky", messages: [{ role: "user", content: "x" }] }).withResponse()).response.headers.get("x-waygate-provider");
  expect(await ask()).toBe("oa");
  expect(await ask()).toBe("oa");
  const before = f.mock.control.requests.filter((r) => r.provider === "anthropic").length;
  expect(await ask()).toBe("oa");
  // Ejected: the third request did not even try the failing provider.
  expect(f.mock.control.requests.filter((r) => r.provider === "anthropic").length).toBe(before);
  f.mock.control.always.clear();
  await Bun.sleep(450);
  expect(await ask()).toBe("an-flaky");
});

test("no available target at all: a fast 503 in the client's format with Retry-After", async () => {
  await f.g.store.create("virtual_models", {
    name: "chat-nowhere",
    description: "",
    route: { type: "target", provider: "an-parked", model: "claude-sonnet-4-5" },
  });
  await f.g.store.create("providers", providerData({ name: "an-parked", kind: "anthropic", base_url: `${f.mock.url}/anthropic`, keys: [{ name: "k1", secret: "invalid-key" }] }));
  await f.g.synced();
  const first = await client.chat.completions.create({ model: "chat-nowhere", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
  expect(first).toBeInstanceOf(OpenAI.APIError);
  expect((first as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  const started = performance.now();
  const second = await client.chat.completions.create({ model: "chat-nowhere", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
  expect(performance.now() - started).toBeLessThan(100);
  expect((second as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  expect(Number((second as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after"))).toBeGreaterThan(0);
});
