import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { handler } from "../../src/mock/providers/anthropic.ts";
import { startMockProviders } from "../../src/mock/server.ts";

const mock = startMockProviders({ hostname: "127.0.0.1", port: 0, handlers: [handler] });
const ctl = mock.control;
const baseURL = `${mock.url}/anthropic`;
afterAll(() => mock.stop());
beforeEach(() => {
  ctl.faults.length = 0;
  ctl.always.clear();
});

const client = new Anthropic({ apiKey: "sk-ant-test", baseURL, maxRetries: 0 });

const weather: Anthropic.Tool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" }, days: { type: "integer", minimum: 1 } }, required: ["city", "days"] },
};
const time: Anthropic.Tool = { name: "get_time", input_schema: { type: "object", properties: { tz: { type: "string", enum: ["UTC", "CET"] } }, required: ["tz"] } };

function raw(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseURL}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "k", "anthropic-version": "2023-06-01", ...headers },
    body: JSON.stringify(body),
  });
}

describe("anthropic messages", () => {
  test("messages.create answers with the deterministic reply and usage", async () => {
    const msg = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      system: [{ type: "text", text: "Be brief." }],
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }, { type: "text", text: "what is this?" }] },
      ],
    });
    const text = "[anthropic:claude-sonnet-4-5] system=1 messages=3 tools=0 images=1 tool_results=0 | what is this?";
    expect(msg.type).toBe("message");
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.role).toBe("assistant");
    expect(msg.content).toEqual([{ type: "text", text }] as never);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.stop_sequence).toBeNull();
    // chars: "Be brief."(9) + "hi"(2) + "hello"(5) + "what is this?"(13) = 29 → 8, plus 4 per message (3 + system).
    expect(msg.usage.input_tokens).toBe(8 + 16);
    expect(msg.usage.output_tokens).toBe(Math.ceil(text.length / 4));
    expect(msg.usage.cache_read_input_tokens).toBe(0);
    expect(msg.usage.cache_creation_input_tokens).toBe(0);
  });

  test("tools: a tool_use block with schema-valid input, then the tool result is counted", async () => {
    const first = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 100, tools: [weather, time], messages: [{ role: "user", content: "weather in Paris" }] });
    expect(first.stop_reason).toBe("tool_use");
    expect(first.content).toHaveLength(1);
    const call = first.content[0];
    if (call?.type !== "tool_use") throw new Error("expected tool_use");
    expect(call.id).toMatch(/^toolu_/);
    expect(call.name).toBe("get_weather");
    expect(call.input).toEqual({ city: "x", days: 1 });

    const second = await client.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      tools: [weather],
      messages: [
        { role: "user", content: "weather in Paris" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "sunny", is_error: false }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content[0]).toEqual({ type: "text", text: "[anthropic:claude-haiku-4-5] system=0 messages=3 tools=1 images=0 tool_results=1 | " } as never);
  });

  test("tool_choice: forced tool, parallel calls, disable_parallel_tool_use, none", async () => {
    const forced = await client.messages.create({ model: "m", max_tokens: 100, tools: [weather, time], tool_choice: { type: "tool", name: "get_time" }, messages: [{ role: "user", content: "now" }] });
    expect(forced.content.map((b) => (b.type === "tool_use" ? [b.name, b.input] : b.type))).toEqual([["get_time", { tz: "UTC" }]]);

    const parallel = await client.messages.create({ model: "m", max_tokens: 100, tools: [weather, time], tool_choice: { type: "any" }, messages: [{ role: "user", content: "do both in parallel" }] });
    expect(parallel.content.map((b) => (b.type === "tool_use" ? b.name : b.type))).toEqual(["get_weather", "get_time"]);

    const single = await client.messages.create({
      model: "m",
      max_tokens: 100,
      tools: [weather, time],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [{ role: "user", content: "do both in parallel" }],
    });
    expect(single.content.map((b) => (b.type === "tool_use" ? b.name : b.type))).toEqual(["get_weather"]);

    const none = await client.messages.create({ model: "m", max_tokens: 100, tools: [weather], tool_choice: { type: "none" }, messages: [{ role: "user", content: "hi" }] });
    expect(none.stop_reason).toBe("end_turn");
    expect(none.content[0]?.type).toBe("text");
  });

  test("stop_sequences and max_tokens cut the reply with the right stop_reason", async () => {
    const stopped = await client.messages.create({ model: "m", max_tokens: 100, stop_sequences: ["tools="], messages: [{ role: "user", content: "x" }] });
    expect(stopped.stop_reason).toBe("stop_sequence");
    expect(stopped.stop_sequence).toBe("tools=");
    expect(stopped.content[0]).toEqual({ type: "text", text: "[anthropic:m] system=0 messages=1 " } as never);

    const short = await client.messages.create({ model: "m", max_tokens: 2, messages: [{ role: "user", content: "x" }] });
    expect(short.stop_reason).toBe("max_tokens");
    expect(short.content[0]).toEqual({ type: "text", text: "[anthropic:m] sy".slice(0, 8) } as never);
    expect(short.usage.output_tokens).toBe(2);
  });

  test("structured output via output_config.format", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" }, n: { type: "integer" } }, required: ["answer", "n"], additionalProperties: false };
    const msg = await client.messages.create({ model: "m", max_tokens: 100, output_config: { format: { type: "json_schema", schema } }, messages: [{ role: "user", content: "json please" }] });
    const block = msg.content[0];
    if (block?.type !== "text") throw new Error("expected text");
    expect(JSON.parse(block.text)).toEqual({ answer: "x", n: 0 });
  });

  test("messages.stream with tool use: events in order and finalMessage()", async () => {
    const stream = client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, tools: [weather, time], messages: [{ role: "user", content: "both in parallel please" }] });
    const types: string[] = [];
    stream.on("streamEvent", (e) => types.push(e.type));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content.map((b) => (b.type === "tool_use" ? [b.name, b.input] : b.type))).toEqual([
      ["get_weather", { city: "x", days: 1 }],
      ["get_time", { tz: "UTC" }],
    ]);
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(types.at(-2)).toBe("message_delta");
    expect(types.filter((t) => t === "content_block_start")).toHaveLength(2);
    expect(final.usage.output_tokens).toBeGreaterThan(1);
  });

  test("streamed text over the wire: event names, ping, deltas that join to the reply", async () => {
    const res = await raw({ model: "m", max_tokens: 100, stream: true, messages: [{ role: "user", content: "hello there friend" }] });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    const events = text.split("\n\n").filter(Boolean).map((chunk) => {
      const name = /^event: (.+)$/m.exec(chunk)?.[1];
      const data = JSON.parse(/^data: (.+)$/m.exec(chunk)?.[1] ?? "null") as { type: string; delta?: { text?: string; stop_reason?: string }; usage?: { output_tokens: number } };
      expect(data.type).toBe(name as string);
      return data;
    });
    expect(events.map((e) => e.type).filter((t, i, a) => t !== a[i - 1])).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const joined = events.filter((e) => e.type === "content_block_delta").map((e) => e.delta?.text).join("");
    expect(joined).toBe("[anthropic:m] system=0 messages=1 tools=0 images=0 tool_results=0 | hello there friend");
    const delta = events.find((e) => e.type === "message_delta");
    expect(delta?.delta?.stop_reason).toBe("end_turn");
    expect(delta?.usage?.output_tokens).toBe(Math.ceil(joined.length / 4));
  });
});

describe("anthropic errors", () => {
  test("auth: missing key and a key containing 'invalid' are 401 authentication_error; missing version is 400", async () => {
    const noKey = await raw({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] }, { "x-api-key": "" });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });

    const bad = new Anthropic({ apiKey: "sk-invalid-key", baseURL, maxRetries: 0 });
    const err = await bad.messages.create({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);

    const noVersion = await fetch(`${baseURL}/v1/messages`, { method: "POST", headers: { "x-api-key": "k" }, body: "{}" });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ error: { type: "invalid_request_error", message: "anthropic-version: header is required" } });
  });

  test("validation: max_tokens required, tool_result pairing, tool input must be an object", async () => {
    const noMax = await client.messages.create({ model: "m", messages: [{ role: "user", content: "x" }] } as never).catch((e: unknown) => e);
    expect(noMax).toBeInstanceOf(Anthropic.BadRequestError);
    expect((noMax as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } });

    const orphan = await raw({ model: "m", max_tokens: 5, messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x", content: "r" }] }] });
    expect(orphan.status).toBe(400);
    expect(((await orphan.json()) as { error: { message: string } }).error.message).toContain("unexpected `tool_use_id` found in `tool_result` blocks: toolu_x");

    const unanswered = await raw({
      model: "m",
      max_tokens: 5,
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_a", name: "f", input: {} }] },
        { role: "user", content: "y" },
      ],
    });
    expect(((await unanswered.json()) as { error: { message: string } }).error.message).toContain("`tool_use` ids were found without `tool_result` blocks immediately after: toolu_a");

    const stringInput = await raw({
      model: "m",
      max_tokens: 5,
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_a", name: "f", input: "{}" }] },
      ],
    });
    expect(((await stringInput.json()) as { error: { message: string } }).error.message).toBe("messages.1.content.0.tool_use.input: Input should be a valid dictionary");
  });

  test("status faults map to the SDK's error classes; 429 carries Retry-After and rate-limit headers", async () => {
    ctl.faults.push({ kind: "status", status: 429, retryAfterSeconds: 7 });
    const limited = await client.messages.create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    const rl = limited as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rl.headers?.get("retry-after")).toBe("7");
    expect(rl.headers?.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(rl.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });

    const cases: Array<[number, unknown, string]> = [
      [529, Anthropic.OverloadedError, "overloaded_error"],
      [500, Anthropic.InternalServerError, "api_error"],
      [403, Anthropic.PermissionDeniedError, "permission_error"],
      [404, Anthropic.NotFoundError, "not_found_error"],
      [413, Anthropic.ContentTooLargeError, "request_too_large"],
    ];
    for (const [status, cls, type] of cases) {
      ctl.faults.push({ kind: "status", status });
      const e = await client.messages.create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(cls as typeof Anthropic.APIError);
      expect((e as InstanceType<typeof Anthropic.APIError>).status).toBe(status);
      expect((e as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type } });
    }
  });

  test("markers in the user text: context length, content filter", async () => {
    const tooLong = await raw({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "[[mock:context_length]]" }] });
    expect(tooLong.status).toBe(400);
    const body = (await tooLong.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/^prompt is too long: \d+ tokens > 200000 maximum$/);

    const refused = await client.messages.create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "[[mock:content_filter]]" }] });
    expect(refused.stop_reason).toBe("refusal");
    expect(refused.content).toEqual([]);
  });

  test("midstream: a cut connection, and an in-stream overloaded_error the SDK raises", async () => {
    ctl.faults.push({ kind: "midstream", afterEvents: 3 });
    const cut = await raw({ model: "m", max_tokens: 50, stream: true, messages: [{ role: "user", content: "x" }] });
    expect(cut.status).toBe(200);
    const read = await cut.text().then(
      (t) => ({ ok: true, t }),
      () => ({ ok: false, t: "" }),
    );
    expect(read.ok).toBe(false);

    ctl.faults.push({ kind: "midstream", afterEvents: 2, error: true });
    const stream = client.messages.stream({ model: "m", max_tokens: 50, messages: [{ role: "user", content: "x" }] });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });

  test("transport faults: reset drops the connection, timeout never answers, latency delays", async () => {
    ctl.faults.push({ kind: "reset" });
    const reset = await raw({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }).then(
      () => "answered",
      () => "dropped",
    );
    expect(reset).toBe("dropped");

    ctl.faults.push({ kind: "timeout" });
    const slow = new Anthropic({ apiKey: "k", baseURL, maxRetries: 0, timeout: 300 });
    const timedOut = await slow.messages.create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);

    const started = Date.now();
    const delayed = await client.messages.create({ model: "m", max_tokens: 100, messages: [{ role: "user", content: "[[mock:latency=150]] hi" }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(delayed.stop_reason).toBe("end_turn");
  });

  test("tool results followed by new user text in one message are a user turn, so tools are called again", async () => {
    const msg = await client.messages.create({
      model: "m",
      max_tokens: 100,
      tools: [weather],
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "P", days: 1 } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "sunny" }] }, { type: "text", text: "and tomorrow?" }] },
      ],
    });
    expect(msg.stop_reason).toBe("tool_use");
  });

  test("count_tokens and models", async () => {
    const count = await client.messages.countTokens({ model: "m", system: "abcd", messages: [{ role: "user", content: "efgh" }] });
    expect(count.input_tokens).toBe(2 + 8);
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
  });
});
