import { describe, expect, test } from "bun:test";
import type { DecodedStreamItem, ProviderEndpoint } from "../../../src/ai/provider.ts";
import { adapter } from "../../../src/ai/providers/openai/index.ts";
import type { ChatRequest, ChatResponse } from "../../../src/ai/types.ts";
import { bytesOf, bytewise, drain, randomSplits, whole } from "./conformance.case.ts";

const dir = new URL("./fixtures/openai/", import.meta.url);
const text = (name: string): Promise<string> => Bun.file(new URL(name, dir)).text();
const json = async (name: string): Promise<unknown> => JSON.parse(await text(name)) as unknown;

const endpoint: ProviderEndpoint = { kind: "openai", baseUrl: "https://api.openai.com/v1", headers: {} };
const key = { kind: "api_key" as const, key: "sk-test" };
const unified = (await json("chat-request.unified.json")) as ChatRequest;

const minimal = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "gpt-4o",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
  ...over,
});

function decodeAll(sse: string | Uint8Array, req: ChatRequest = minimal({ stream: true })) {
  const bytes = bytesOf(sse);
  const runs = [whole(bytes), bytewise(bytes), ...[1, 2, 3, 4, 5].map((s) => randomSplits(bytes, s))];
  const results = runs.map((chunks) => drain(adapter.chatStream(req), chunks));
  for (const r of results.slice(1)) expect(r).toEqual(results[0] ?? []);
  return results[0] ?? [];
}

describe("OpenAI request", () => {
  test("the rich unified request becomes the documented request body (golden)", async () => {
    const http = await adapter.chatRequest(unified, endpoint, key);
    expect(http.url).toBe("https://api.openai.com/v1/chat/completions");
    expect(http.method).toBe("POST");
    expect(http.headers).toEqual({ "content-type": "application/json", accept: "application/json", authorization: "Bearer sk-test" });
    expect(JSON.parse(http.body ?? "")).toEqual(await json("chat-request.openai.json"));
  });

  test("streams always ask for usage, even when the client did not", async () => {
    const http = await adapter.chatRequest({ ...unified, stream: true, includeUsage: false }, endpoint, key);
    const body = JSON.parse(http.body ?? "") as Record<string, unknown>;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(http.headers.accept).toBe("text/event-stream");
  });

  test("tool_choice and parallel_tool_calls are left out without tools", async () => {
    const http = await adapter.chatRequest(minimal({ toolChoice: "required", parallelToolCalls: true }), endpoint, key);
    expect(JSON.parse(http.body ?? "")).toEqual({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
  });

  test("tool_choice strings, text and json_object formats, top_k dropped", async () => {
    const tools = unified.tools ?? [];
    for (const choice of ["auto", "none", "required"] as const) {
      const body = JSON.parse((await adapter.chatRequest(minimal({ tools, toolChoice: choice }), endpoint, key)).body ?? "") as Record<string, unknown>;
      expect(body.tool_choice).toBe(choice);
    }
    for (const type of ["text", "json_object"] as const) {
      const body = JSON.parse((await adapter.chatRequest(minimal({ responseFormat: { type }, topK: 3 }), endpoint, key)).body ?? "") as Record<string, unknown>;
      expect(body.response_format).toEqual({ type });
      expect(body.top_k).toBeUndefined();
    }
  });

  test("a tool result with several text parts keeps them as parts; images in tool results are left out", async () => {
    const req = minimal({
      messages: [
        { role: "tool", toolCallId: "call_1", content: [{ type: "text", text: "a" }, { type: "image", source: { kind: "url", url: "https://x/y.png" } }, { type: "text", text: "b" }] },
      ],
    });
    const body = JSON.parse((await adapter.chatRequest(req, endpoint, key)).body ?? "") as { messages: unknown[] };
    expect(body.messages).toEqual([{ role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }]);
  });

  test("endpoint headers are sent and win over defaults; no key means no Authorization", async () => {
    const http = await adapter.chatRequest(minimal(), { ...endpoint, headers: { "OpenAI-Organization": "org-1" } }, { kind: "none" });
    expect(http.headers).toEqual({ "content-type": "application/json", accept: "application/json", "OpenAI-Organization": "org-1" });
  });

  test("a custom base URL is honoured", async () => {
    const http = await adapter.chatRequest(minimal(), { ...endpoint, baseUrl: "https://proxy.example.com/openai/v1/" }, key);
    expect(http.url).toBe("https://proxy.example.com/openai/v1/chat/completions");
  });
});

describe("OpenAI response", () => {
  test("the documented completion (text with logprobs, tool calls, cached and reasoning tokens) parses (golden)", async () => {
    expect(adapter.chatResponse(await json("chat-response.json"), unified)).toEqual((await json("chat-response.unified.json")) as ChatResponse);
  });

  test("a body without choices is a provider_error", () => {
    expect(() => adapter.chatResponse({ error: "nope" }, unified)).toThrow(/without choices/);
  });

  test("a refusal is kept", () => {
    const res = adapter.chatResponse(
      { id: "c1", created: 1, model: "gpt-4o", choices: [{ index: 0, message: { role: "assistant", content: null, refusal: "I can't help with that." }, finish_reason: "stop" }] },
      unified,
    );
    expect(res.choices[0]?.message).toEqual({ content: null, refusal: "I can't help with that." });
  });
});

describe("OpenAI stream", () => {
  for (const name of ["stream-text", "stream-tools", "stream-logprobs-n2"]) {
    test(`${name}.sse decodes to ${name}.events.json in any split (golden)`, async () => {
      expect(decodeAll(await text(`${name}.sse`))).toEqual((await json(`${name}.events.json`)) as DecodedStreamItem[]);
    });
  }

  test("an in-stream error payload ends the stream with an error item; later events are ignored", async () => {
    const items = decodeAll(await text("stream-error.sse"));
    expect(items).toEqual([
      { type: "start", id: "chatcmpl-err", model: "gpt-4o", created: 1700000001 },
      { type: "text", choice: 0, text: "Partial" },
      {
        type: "error",
        error: { kind: "server", status: 500, message: "The server had an error while processing your request. Sorry about that!", providerCode: "server_error" },
      },
    ]);
  });

  test("an in-stream rate limit error is rate_limited", () => {
    const items = decodeAll('data: {"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}\n\n');
    expect(items).toEqual([{ type: "error", error: { kind: "rate_limited", status: 429, message: "slow down", providerCode: "rate_limit_exceeded" } }]);
  });

  test("a stream cut before [DONE] and before finish ends with a reset", async () => {
    const sse = await text("stream-text.sse");
    const cut = sse.slice(0, sse.lastIndexOf("data:", sse.indexOf('"finish_reason":"stop"')));
    const items = drain(adapter.chatStream(minimal({ stream: true })), [bytesOf(cut)]);
    expect(items.map((i) => i.type)).toEqual(["start", "text", "text", "error"]);
    const last = items[items.length - 1];
    expect(last?.type === "error" && last.error).toEqual({ kind: "reset", status: 0, message: "OpenAI stream ended before [DONE]" });
  });

  test("a stream cut after usage but before [DONE] still reports the usage it got", async () => {
    const sse = await text("stream-tools.sse");
    const cut = sse.slice(0, sse.indexOf("data: [DONE]"));
    const items = drain(adapter.chatStream(minimal({ stream: true })), [bytesOf(cut)]);
    // Every choice finished: the answer is complete even without [DONE].
    expect(items.slice(-2).map((i) => i.type)).toEqual(["finish", "usage"]);
  });

  test("a stream cut inside an event is a reset, not a malformed event", () => {
    const items = drain(adapter.chatStream(minimal({ stream: true })), [bytesOf('data: {"id":"x","choices":[{"index":0,"delta":{"content":"Hel')]);
    expect(items).toEqual([{ type: "error", error: { kind: "reset", status: 0, message: "OpenAI stream was cut inside an event" } }]);
  });

  test("a complete event that is not JSON is a server error", () => {
    const items = drain(adapter.chatStream(minimal({ stream: true })), [bytesOf("data: <html>oops</html>\n\n")]);
    expect(items[0]?.type === "error" && items[0].error.kind).toBe("server");
    expect(items.length).toBe(1);
  });

  test("a tool call whose name arrives after its first arguments starts before them", () => {
    const chunk = (tc: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: "c", created: 5, model: "m", choices: [{ index: 0, delta: { tool_calls: [tc] }, finish_reason: finish }] })}\n\n`;
    const sse = chunk({ index: 0, id: "call_1", function: { arguments: '{"a"' } }) + chunk({ index: 0, function: { name: "f", arguments: ":1}" } }, "tool_calls") + "data: [DONE]\n\n";
    expect(decodeAll(sse)).toEqual([
      { type: "start", id: "c", model: "m", created: 5 },
      { type: "tool_call_start", choice: 0, tool: 0, id: "call_1", name: "f" },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"a":1}' },
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
  });

  test("servers numbering every tool call 0 are told apart by id", () => {
    const chunk = (tc: unknown) => `data: ${JSON.stringify({ id: "c", created: 5, model: "m", choices: [{ index: 0, delta: { tool_calls: [tc] }, finish_reason: null }] })}\n\n`;
    const sse =
      chunk({ index: 0, id: "a", type: "function", function: { name: "f", arguments: "{}" } }) +
      chunk({ index: 0, id: "b", type: "function", function: { name: "g", arguments: "{}" } }) +
      "data: [DONE]\n\n";
    expect(decodeAll(sse).filter((i) => i.type === "tool_call_start")).toEqual([
      { type: "tool_call_start", choice: 0, tool: 0, id: "a", name: "f" },
      { type: "tool_call_start", choice: 0, tool: 1, id: "b", name: "g" },
    ]);
  });

  test("Groq's x_groq.usage is read", () => {
    const sse =
      `data: ${JSON.stringify({ id: "g", created: 7, model: "llama", choices: [{ index: 0, delta: { content: "ok" }, finish_reason: "stop" }], x_groq: { id: "req_1", usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } } })}\n\n` +
      "data: [DONE]\n\n";
    expect(decodeAll(sse).at(-1)).toEqual({ type: "usage", usage: { inputTokens: 5, outputTokens: 1 } });
  });

  test("CRLF line endings and a missing final blank line are accepted", async () => {
    const sse = (await text("stream-text.sse")).replaceAll("\n", "\r\n").replace(/\r\n\r\n$/, "");
    expect(decodeAll(sse)).toEqual((await json("stream-text.events.json")) as DecodedStreamItem[]);
  });
});

describe("OpenAI errors", () => {
  const classify = (status: number, body: string, headers: Record<string, string> = {}) => adapter.error(status, body, new Headers(headers));

  test("context_length_exceeded", async () => {
    expect(classify(400, await text("error-context-length.json"))).toEqual({
      kind: "context_length",
      status: 400,
      message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.",
      providerCode: "context_length_exceeded",
    });
  });

  test("429 with retry-after-ms (precise) preferred over Retry-After", async () => {
    const err = classify(429, await text("error-rate-limit.json"), { "retry-after-ms": "1400", "retry-after": "2" });
    expect(err).toMatchObject({ kind: "rate_limited", status: 429, providerCode: "rate_limit_exceeded", retryAfterMs: 1400 });
  });

  test("429 with an HTTP-date Retry-After", () => {
    const when = new Date(Date.now() + 30_000).toUTCString();
    const err = classify(429, "{}", { "retry-after": when });
    expect(err.retryAfterMs).toBeGreaterThan(25_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  test("401 invalid key, 403, 404 model_not_found, 500, 503", async () => {
    expect(classify(401, await text("error-auth.json"))).toMatchObject({ kind: "auth", providerCode: "invalid_api_key" });
    expect(classify(403, '{"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","code":"unsupported_country_region_territory"}}').kind).toBe("auth");
    expect(classify(404, await text("error-model-not-found.json"))).toMatchObject({ kind: "not_found", providerCode: "model_not_found" });
    expect(classify(500, '{"error":{"message":"The server had an error","type":"server_error"}}').kind).toBe("server");
    expect(classify(503, '{"error":{"message":"The engine is currently overloaded, please try again later","type":"server_error"}}').kind).toBe("overloaded");
  });

  test("content policy violations are content_filter", () => {
    const body = '{"error":{"message":"Invalid prompt: your prompt was flagged as potentially violating our usage policy.","type":"invalid_request_error","param":null,"code":"invalid_prompt"}}';
    expect(classify(400, body).kind).toBe("content_filter");
  });

  test("other 400s are invalid_request", () => {
    const body = '{"error":{"message":"Invalid value for \'temperature\'","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}';
    expect(classify(400, body)).toMatchObject({ kind: "invalid_request", providerCode: "invalid_value" });
  });
});

describe("OpenAI embeddings", () => {
  const req = { model: "text-embedding-3-small", input: ["The food was delicious", "and the waiter..."], dimensions: 3, encodingFormat: "base64" as const, user: "u1" };

  test("always asks for floats, with dimensions", async () => {
    const http = await adapter.embeddingsRequest?.(req, endpoint, key);
    expect(http?.url).toBe("https://api.openai.com/v1/embeddings");
    expect(JSON.parse(http?.body ?? "")).toEqual({ model: "text-embedding-3-small", input: req.input, encoding_format: "float", dimensions: 3, user: "u1" });
  });

  test("vectors come back in input order", async () => {
    expect(adapter.embeddingsResponse?.(await json("embeddings-response.json"), req)).toEqual({
      model: "text-embedding-3-small",
      embeddings: [
        [-0.0069292834, -0.005336422, 0.0245123],
        [0.0023064255, -0.009327292, 0.015797347],
      ],
      usage: { inputTokens: 8 },
    });
  });

  test("a count mismatch is a provider_error", async () => {
    const body = await json("embeddings-response.json");
    expect(() => adapter.embeddingsResponse?.(body, { ...req, input: ["one"] })).toThrow(/2 embeddings for 1 inputs/);
  });
});
