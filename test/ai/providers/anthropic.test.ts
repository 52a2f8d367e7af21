import { describe, expect, test } from "bun:test";
import type { ProviderEndpoint } from "../../../src/ai/provider.ts";
import { adapter } from "../../../src/ai/providers/anthropic/index.ts";
import type { ChatRequest } from "../../../src/ai/types.ts";
import { bytesOf, bytewise, drain, randomSplits, whole } from "./conformance.case.ts";

const dir = new URL("./fixtures/anthropic/", import.meta.url);
const text = (name: string): Promise<string> => Bun.file(new URL(name, dir)).text();
const json = async (name: string): Promise<unknown> => JSON.parse(await text(name)) as unknown;

const endpoint: ProviderEndpoint = { kind: "anthropic", baseUrl: "https://api.anthropic.com", headers: {} };
const key = { kind: "api_key" as const, key: "sk-ant-test" };
const unified = (await json("chat-request.unified.json")) as ChatRequest;

const minimal = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "claude-sonnet-4-5",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
  ...over,
});

const bodyOf = async (req: ChatRequest): Promise<Record<string, unknown>> =>
  JSON.parse((await adapter.chatRequest(req, endpoint, key)).body ?? "") as Record<string, unknown>;

function decodeAll(sse: string, req: ChatRequest = minimal({ stream: true })) {
  const bytes = bytesOf(sse);
  const runs = [whole(bytes), bytewise(bytes), ...[1, 2, 3, 4, 5, 6, 7, 8].map((s) => randomSplits(bytes, s))];
  const results = runs.map((chunks) => drain(adapter.chatStream(req), chunks).map((i) => (i.type === "start" ? { ...i, created: 0 } : i)));
  for (const r of results.slice(1)) expect(r).toEqual(results[0] ?? []);
  return results[0] ?? [];
}

describe("Anthropic request", () => {
  test("the rich unified request becomes the documented Messages body (golden)", async () => {
    const http = await adapter.chatRequest(unified, endpoint, key);
    expect(http.url).toBe("https://api.anthropic.com/v1/messages");
    expect(http.method).toBe("POST");
    expect(http.headers).toEqual({
      "content-type": "application/json",
      accept: "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": "sk-ant-test",
    });
    expect(JSON.parse(http.body ?? "")).toEqual(await json("chat-request.anthropic.json"));
  });

  test("anthropic-version follows endpoint.apiVersion; extra headers win; streams ask for SSE", async () => {
    const http = await adapter.chatRequest(minimal({ stream: true }), { ...endpoint, apiVersion: "2024-01-01", headers: { "anthropic-beta": "x" } }, key);
    expect(http.headers["anthropic-version"]).toBe("2024-01-01");
    expect(http.headers["anthropic-beta"]).toBe("x");
    expect(http.headers.accept).toBe("text/event-stream");
    expect(JSON.parse(http.body ?? "")).toEqual({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }], max_tokens: 4096, stream: true });
  });

  test("the client's max tokens wins over the default", async () => {
    expect((await bodyOf(minimal({ maxTokens: 100 }))).max_tokens).toBe(100);
  });

  test("several system messages stay separate blocks; consecutive user turns merge; data: URLs become base64", async () => {
    const body = await bodyOf(
      minimal({
        messages: [
          { role: "system", content: [{ type: "text", text: "A" }] },
          { role: "user", content: [{ type: "text", text: "one" }] },
          { role: "system", content: [{ type: "text", text: "B" }] },
          { role: "user", content: [{ type: "image", source: { kind: "url", url: "data:image/jpeg;base64,AAAA" } }] },
        ],
      }),
    );
    expect(body.system).toEqual([
      { type: "text", text: "A" },
      { type: "text", text: "B" },
    ]);
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "AAAA" } },
        ],
      },
    ]);
  });

  test("tool_choice mapping", async () => {
    const tools = unified.tools ?? [];
    const choices: Array<[ChatRequest["toolChoice"], unknown]> = [
      ["auto", { type: "auto" }],
      ["none", { type: "none" }],
      ["required", { type: "any" }],
      [{ name: "get_weather" }, { type: "tool", name: "get_weather" }],
    ];
    for (const [choice, expected] of choices) expect((await bodyOf(minimal({ tools, toolChoice: choice }))).tool_choice).toEqual(expected);
    expect((await bodyOf(minimal({ toolChoice: "required" }))).tool_choice).toBeUndefined();
  });

  test("json_schema is a forced answer tool, and its input comes back as the text", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const req = minimal({ responseFormat: { type: "json_schema", name: "reply", schema } });
    const body = await bodyOf(req);
    expect(body.tools).toEqual([{ name: "json_response", description: "Respond with a reply object. Always answer by calling this tool.", input_schema: schema }]);
    expect(body.tool_choice).toEqual({ type: "tool", name: "json_response" });
    // With client tools the model may still call them.
    expect((await bodyOf({ ...req, tools: unified.tools ?? [] })).tool_choice).toEqual({ type: "any" });

    const answer = {
      id: "msg_1",
      model: "claude-sonnet-4-5",
      content: [{ type: "tool_use", id: "toolu_1", name: "json_response", input: { answer: "42" } }],
      stop_reason: "tool_use",
      usage: { input_tokens: 5, output_tokens: 6 },
    };
    const res = adapter.chatResponse(answer, req);
    expect(res.choices[0]).toEqual({ index: 0, message: { content: '{"answer":"42"}' }, finishReason: "stop" });

    const stream = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_2","model":"claude-sonnet-4-5","usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_2","name":"json_response","input":{}}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"answer\\": "}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"42\\"}"}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join("");
    const items = decodeAll(stream, { ...req, stream: true });
    expect(items.filter((i) => i.type !== "start")).toEqual([
      { type: "text", choice: 0, text: '{"answer": ' },
      { type: "text", choice: 0, text: '"42"}' },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 9 } },
    ]);
  });

  test("a tool literally named json_response is an ordinary tool call without a json_schema format", () => {
    const res = adapter.chatResponse(
      { id: "m", content: [{ type: "tool_use", id: "t", name: "json_response", input: {} }], stop_reason: "tool_use" },
      minimal(),
    );
    expect(res.choices[0]?.message.toolCalls).toEqual([{ id: "t", name: "json_response", arguments: "{}" }]);
  });

  test("n > 1 is refused: Anthropic answers one choice", async () => {
    const err = await adapter.chatRequest(minimal({ n: 2 }), endpoint, key).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/n must be 1/);
  });
});

describe("Anthropic response", () => {
  test("the documented tool-use answer (golden)", async () => {
    const res = adapter.chatResponse(await json("chat-response.json"), unified);
    expect({ ...res, created: 0 }).toEqual({
      id: "msg_01Aq9w938a90dw8q",
      model: "claude-opus-4-6",
      created: 0,
      choices: [
        {
          index: 0,
          message: {
            content: "I'll check the current weather in San Francisco for you.",
            toolCalls: [{ id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' }],
          },
          finishReason: "tool_calls",
        },
      ],
      usage: { inputTokens: 472 + 100 + 2048, outputTokens: 89, cachedInputTokens: 2048, cacheWriteInputTokens: 100 },
    });
  });

  test("stop reasons", () => {
    const cases: Array<[string, string]> = [
      ["end_turn", "stop"],
      ["stop_sequence", "stop"],
      ["max_tokens", "length"],
      ["tool_use", "tool_calls"],
      ["refusal", "content_filter"],
      ["model_context_window_exceeded", "length"],
    ];
    for (const [stop, reason] of cases) {
      expect(adapter.chatResponse({ id: "m", content: [], stop_reason: stop }, minimal()).choices[0]?.finishReason).toBe(reason as "stop");
    }
  });
});

describe("Anthropic stream", () => {
  test("the documented text stream (golden)", async () => {
    expect(decodeAll(await text("stream-text.sse"))).toEqual([
      { type: "start", id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", model: "claude-opus-4-6", created: 0 },
      { type: "text", choice: 0, text: "Hello" },
      { type: "text", choice: 0, text: "!" },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: { inputTokens: 25, outputTokens: 15 } },
    ]);
  });

  test("the documented tool-use stream (golden)", async () => {
    expect(decodeAll(await text("stream-tools.sse"))).toEqual([
      { type: "start", id: "msg_014p7gG3wDgGV9EUtLvnow3U", model: "claude-opus-4-6", created: 0 },
      { type: "text", choice: 0, text: "Okay" },
      { type: "text", choice: 0, text: ", let me check the weather for San Francisco, CA:" },
      { type: "tool_call_start", choice: 0, tool: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"location":' },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: ' "San Francisco, CA", ' },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '"unit": "fahrenheit"}' },
      { type: "finish", choice: 0, reason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 472 + 128, outputTokens: 89, cachedInputTokens: 128 } },
    ]);
  });

  test("an in-stream error event ends the stream with an overloaded error and no reset", async () => {
    const items = decodeAll(await text("stream-error.sse"));
    expect(items.slice(1)).toEqual([
      { type: "text", choice: 0, text: "Par" },
      { type: "error", error: { kind: "overloaded", status: 503, message: "Overloaded", providerCode: "overloaded_error" } },
    ]);
  });

  test("a stream cut before message_stop ends with a reset error, after the text it had", async () => {
    const full = await text("stream-text.sse");
    const cut = full.slice(0, full.indexOf("event: message_stop"));
    const items = drain(adapter.chatStream(minimal({ stream: true })), [bytesOf(cut)]);
    expect(items.map((i) => i.type)).toEqual(["start", "text", "text", "error"]);
    expect(items.at(-1)).toMatchObject({ type: "error", error: { kind: "reset" } });
  });
});

describe("Anthropic errors", () => {
  test("529 overloaded, 429 with Retry-After, prompt too long, auth", async () => {
    expect(adapter.error(529, await text("error-overloaded.json"), new Headers())).toEqual({
      kind: "overloaded",
      status: 529,
      message: "Overloaded",
      providerCode: "overloaded_error",
    });
    const limited = adapter.error(429, await text("error-rate-limit.json"), new Headers({ "retry-after": "20" }));
    expect(limited).toMatchObject({ kind: "rate_limited", retryAfterMs: 20_000, providerCode: "rate_limit_error" });
    expect(adapter.error(400, await text("error-context-length.json"), new Headers()).kind).toBe("context_length");
    expect(adapter.error(400, JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "messages: field required" } }), new Headers()).kind).toBe(
      "invalid_request",
    );
    expect(adapter.error(401, JSON.stringify({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }), new Headers()).kind).toBe("auth");
  });
});

