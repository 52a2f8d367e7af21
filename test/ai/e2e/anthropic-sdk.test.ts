/**
 * The official `@anthropic-ai/sdk`, unmodified, as a client of Waygate's
 * `/v1/messages`, routed to providers of other wire formats through the
 * simulator: system prompts, tool use round trips and images, plain and
 * streamed, and failures as the SDK's own error classes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { providerData } from "../../support/gateway.ts";
import { type AiFixture, parseMockReply, startAiFixture } from "./fixture.ts";

let f: AiFixture;
let client: Anthropic;

beforeAll(async () => {
  f = await startAiFixture();
  // The SDK appends /v1/messages to its base URL.
  client = new Anthropic({ baseURL: f.g.url, apiKey: f.appKey, maxRetries: 0 });
  await f.g.store.create(
    "providers",
    providerData({
      name: "an-limited",
      kind: "anthropic",
      base_url: `${f.mock.url}/anthropic`,
      keys: [
        { name: "k1", secret: "sk-ant-one" },
        { name: "k2", secret: "sk-ant-two" },
      ],
    }),
  );
  await f.g.synced();
});
afterAll(() => f.stop());
afterEach(() => {
  f.mock.control.faults.length = 0;
  f.mock.control.always.clear();
});

const MODELS = [
  ["an/claude-sonnet-4-5", "anthropic"],
  ["oa/gpt-4o-mini", "openai"],
  ["gm/gemini-2.5-flash", "gemini"],
  ["br/anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock"],
] as const;

const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const weather: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather in a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

function textOf(m: Anthropic.Message): string {
  return m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
}

describe.each(MODELS)("messages via %s", (model, wire) => {
  test("create: system prompt, history and an image arrive; usage is reported", async () => {
    const msg = await client.messages.create({
      model,
      max_tokens: 300,
      system: "You are terse.",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PIXEL } },
          ],
        },
      ],
    });
    expect(msg.type).toBe("message");
    expect(msg.role).toBe("assistant");
    expect(msg.model).toBe(model);
    expect(msg.stop_reason).toBe("end_turn");
    const reply = parseMockReply(textOf(msg));
    expect(reply).toMatchObject({ provider: wire, system: 1, messages: 3, images: 1 });
    expect(reply.echo).toContain("What is in this picture?");
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  test("create: a tool_use, then its tool_result round trip", async () => {
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris?" };
    const first = await client.messages.create({ model, max_tokens: 300, system: "Use tools.", tools: [weather], messages: [question] });
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
    expect(call?.name).toBe("get_weather");
    expect(typeof (call?.input as { city?: unknown }).city).toBe("string");
    expect(call?.id.length).toBeGreaterThan(0);

    const second = await client.messages.create({
      model,
      max_tokens: 300,
      system: "Use tools.",
      tools: [weather],
      messages: [
        question,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call!.id, content: "sunny, 21°C" }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    const reply = parseMockReply(textOf(second));
    expect(reply).toMatchObject({ provider: wire, system: 1, tools: 1, toolResults: 1 });
  });

  test("stream: finalMessage assembles text; events arrive in Anthropic's order", async () => {
    const stream = client.messages.stream({
      model,
      max_tokens: 300,
      system: "You are terse.",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe this, please, in many words" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PIXEL } },
          ],
        },
      ],
    });
    const types: string[] = [];
    let deltas = 0;
    stream.on("streamEvent", (ev) => {
      types.push(ev.type);
      if (ev.type === "content_block_delta") deltas++;
    });
    const msg = await stream.finalMessage();
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(types).toContain("content_block_start");
    expect(types).toContain("message_delta");
    expect(deltas).toBeGreaterThan(1);
    const reply = parseMockReply(textOf(msg));
    expect(reply).toMatchObject({ provider: wire, system: 1, messages: 1, images: 1 });
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  test("stream: a tool_use streamed with its input, then the tool_result answered", async () => {
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Oslo?" };
    const first = await client.messages.stream({ model, max_tokens: 300, tools: [weather], messages: [question] }).finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
    expect(call?.name).toBe("get_weather");
    expect(typeof (call?.input as { city?: unknown }).city).toBe("string");
    const second = await client.messages
      .stream({
        model,
        max_tokens: 300,
        tools: [weather],
        messages: [question, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: call!.id, content: "snow" }] }],
      })
      .finalMessage();
    expect(parseMockReply(textOf(second))).toMatchObject({ provider: wire, tools: 1, toolResults: 1 });
  });
});

describe("errors as the SDK's error classes", () => {
  test("an unknown model: NotFoundError", async () => {
    const err = await client.messages.create({ model: "no-such-model", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.NotFoundError>).status).toBe(404);
  });

  test("a bad gateway key: AuthenticationError", async () => {
    const bad = new Anthropic({ baseURL: f.g.url, apiKey: "wg_not_a_real_key", maxRetries: 0 });
    const err = await bad.messages.create({ model: "an/claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  test("an invalid request: BadRequestError, with the Anthropic error shape", async () => {
    const err = await client.messages.create({ model: "an/claude-sonnet-4-5", max_tokens: 10, messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  test("every key rate limited: RateLimitError with Retry-After, now and while the keys rest", async () => {
    f.mock.control.always.set("anthropic", { kind: "status", status: 429, retryAfterSeconds: 3 });
    const ask = () => client.messages.create({ model: "an-limited/claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    const before = f.mock.control.requests.length;
    const first = await ask();
    expect(first).toBeInstanceOf(Anthropic.RateLimitError);
    // Both keys were tried.
    expect(f.mock.control.requests.length - before).toBe(2);
    expect(Number((first as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after"))).toBeGreaterThan(0);

    const sent = f.mock.control.requests.length;
    const second = await ask();
    // The keys rest: no request reaches the provider, and the client still hears a rate limit.
    expect(f.mock.control.requests.length).toBe(sent);
    expect(second).toBeInstanceOf(Anthropic.RateLimitError);
    const retryAfter = Number((second as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
  });

  test("a failure after the stream began: the SDK's APIError from the error event, text so far kept", async () => {
    f.mock.control.faults.push({ provider: "openai", kind: "midstream", afterEvents: 4 });
    const stream = client.messages.stream({ model: "oa/gpt-4o-mini", max_tokens: 300, messages: [{ role: "user", content: "a long story please, in many many words" }] });
    let text = "";
    stream.on("text", (t) => {
      text += t;
    });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(text.startsWith("[openai:")).toBe(true);
  });
});
