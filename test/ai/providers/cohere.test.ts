import { describe, expect, test } from "bun:test";
import type { ProviderEndpoint } from "../../../src/ai/provider.ts";
import { adapter } from "../../../src/ai/providers/cohere/index.ts";
import type { ChatRequest, EmbeddingsRequest } from "../../../src/ai/types.ts";
import { bytesOf, bytewise, drain, randomSplits, whole } from "./conformance.case.ts";

const dir = new URL("./fixtures/cohere/", import.meta.url);
const text = (name: string): Promise<string> => Bun.file(new URL(name, dir)).text();
const json = async (name: string): Promise<unknown> => JSON.parse(await text(name)) as unknown;

const endpoint: ProviderEndpoint = { kind: "cohere", baseUrl: "https://api.cohere.com", headers: {} };
const key = { kind: "api_key" as const, key: "co-test" };
const unified = (await json("chat-request.unified.json")) as ChatRequest;

const minimal = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "command-a-03-2025",
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

describe("Cohere request", () => {
  test("the rich unified request becomes the documented v2 chat body (golden)", async () => {
    const http = await adapter.chatRequest(unified, endpoint, key);
    expect(http.url).toBe("https://api.cohere.com/v2/chat");
    expect(http.headers).toEqual({ "content-type": "application/json", accept: "application/json", authorization: "Bearer co-test" });
    expect(JSON.parse(http.body ?? "")).toEqual(await json("chat-request.cohere.json"));
  });

  test("streams set stream: true; plain assistant turns keep their text", async () => {
    const http = await adapter.chatRequest(
      minimal({ stream: true, messages: [...minimal().messages, { role: "assistant", content: [{ type: "text", text: "Hello!" }] }] }),
      endpoint,
      key,
    );
    expect(http.headers.accept).toBe("text/event-stream");
    expect(JSON.parse(http.body ?? "")).toEqual({
      model: "command-a-03-2025",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
      ],
      stream: true,
    });
  });

  test("tool_choice: auto is omitted, none is NONE, a named tool is REQUIRED with only that tool", async () => {
    const tools = [...(unified.tools ?? []), { name: "other", parameters: { type: "object" } }];
    expect((await bodyOf(minimal({ tools, toolChoice: "auto" }))).tool_choice).toBeUndefined();
    expect((await bodyOf(minimal({ tools, toolChoice: "none" }))).tool_choice).toBe("NONE");
    const named = await bodyOf(minimal({ tools, toolChoice: { name: "other" } }));
    expect(named.tool_choice).toBe("REQUIRED");
    expect(named.tools).toEqual([{ type: "function", function: { name: "other", parameters: { type: "object" } } }]);
  });

  test("response formats", async () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    expect((await bodyOf(minimal({ responseFormat: { type: "json_schema", name: "x", schema } }))).response_format).toEqual({ type: "json_object", json_schema: schema });
    expect((await bodyOf(minimal({ responseFormat: { type: "json_object" } }))).response_format).toEqual({ type: "json_object" });
    expect((await bodyOf(minimal({ responseFormat: { type: "text" } }))).response_format).toBeUndefined();
  });
});

describe("Cohere response", () => {
  test("the documented tool-call answer with billed usage (golden)", async () => {
    const res = adapter.chatResponse(await json("chat-response.json"), minimal());
    expect({ ...res, created: 0 }).toEqual({
      id: "7a3a6a41-7f18-4b3e-8f3a-1b2c3d4e5f60",
      model: "command-a-03-2025",
      created: 0,
      choices: [
        {
          index: 0,
          message: { content: null, toolCalls: [{ id: "get_weather_1byjy32y4hvq", name: "get_weather", arguments: '{"location":"Toronto"}' }] },
          finishReason: "tool_calls",
        },
      ],
      usage: { inputTokens: 37, outputTokens: 28, cachedInputTokens: 512 },
    });
  });

  test("finish reasons; thinking parts are not the answer", () => {
    const one = (finish_reason: string) => adapter.chatResponse({ id: "x", finish_reason, message: { content: [] } }, minimal()).choices[0]?.finishReason;
    expect(one("COMPLETE")).toBe("stop");
    expect(one("STOP_SEQUENCE")).toBe("stop");
    expect(one("MAX_TOKENS")).toBe("length");
    expect(one("ERROR")).toBe("error");
    const res = adapter.chatResponse(
      { id: "x", finish_reason: "COMPLETE", message: { content: [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "42" }] } },
      minimal(),
    );
    expect(res.choices[0]?.message.content).toBe("42");
  });
});

describe("Cohere stream", () => {
  test("the documented text stream (golden)", async () => {
    expect(decodeAll(await text("stream-text.sse"))).toEqual([
      { type: "start", id: "29f14a5a-11de-4cae-9800-25e4747408ea", model: "command-a-03-2025", created: 0 },
      { type: "text", choice: 0, text: "Hello" },
      { type: "text", choice: 0, text: "! How can I help you today?" },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: { inputTokens: 3, outputTokens: 9 } },
    ]);
  });

  test("the documented tool-call stream (golden)", async () => {
    expect(decodeAll(await text("stream-tools.sse"))).toEqual([
      { type: "start", id: "8a2f7ee4-2c4a-4d1b-8a0a-5a0b4f0e9f11", model: "command-a-03-2025", created: 0 },
      { type: "tool_call_start", choice: 0, tool: 0, id: "get_weather_nsz5zm3w56q3", name: "get_weather" },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"location": ' },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '"Toronto"}' },
      { type: "finish", choice: 0, reason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 37, outputTokens: 28 } },
    ]);
  });

  test("an error in message-end is an error item; a cut stream is a reset", async () => {
    const failed = decodeAll(
      'data: {"id":"m1","type":"message-start","delta":{"message":{"role":"assistant"}}}\n\ndata: {"type":"message-end","delta":{"finish_reason":"ERROR","error":"internal model failure"}}\n\n',
    );
    expect(failed.slice(1)).toEqual([{ type: "error", error: { kind: "server", status: 500, message: "internal model failure" } }]);
    const full = await text("stream-text.sse");
    const items = drain(adapter.chatStream(minimal({ stream: true })), [bytesOf(full.slice(0, full.indexOf("event: message-end")))]);
    expect(items.map((i) => i.type)).toEqual(["start", "text", "text", "error"]);
    expect(items.at(-1)).toMatchObject({ type: "error", error: { kind: "reset" } });
  });
});

describe("Cohere embed", () => {
  test("v2 embed request and the documented response", async () => {
    const req: EmbeddingsRequest = { model: "embed-v4.0", input: ["hello", "goodbye"], dimensions: 1024 };
    const http = await adapter.embeddingsRequest?.(req, endpoint, key);
    expect(http?.url).toBe("https://api.cohere.com/v2/embed");
    expect(JSON.parse(http?.body ?? "")).toEqual({
      model: "embed-v4.0",
      texts: ["hello", "goodbye"],
      input_type: "search_document",
      embedding_types: ["float"],
      output_dimension: 1024,
    });
    const query = await adapter.embeddingsRequest?.({ ...req, inputType: "search_query" }, endpoint, key);
    expect((JSON.parse(query?.body ?? "") as Record<string, unknown>).input_type).toBe("search_query");
    expect(adapter.embeddingsResponse?.(await json("embed-response.json"), req)).toEqual({
      model: "embed-v4.0",
      embeddings: [
        [0.016296387, -0.008354187, 0.04699707],
        [-0.0231, 0.0412, 0.0077],
      ],
      usage: { inputTokens: 2 },
    });
  });
});

describe("Cohere errors", () => {
  test("429, 400 too many tokens, 401, 498, 5xx", async () => {
    const body = (message: string) => JSON.stringify({ message });
    expect(adapter.error(429, body("You are using a Trial key, which is limited to 10 API calls / minute."), new Headers({ "retry-after": "6" }))).toMatchObject({
      kind: "rate_limited",
      retryAfterMs: 6000,
    });
    expect(adapter.error(400, await text("error-context-length.json"), new Headers()).kind).toBe("context_length");
    expect(adapter.error(400, body("invalid request: message must be at least 1 token long"), new Headers()).kind).toBe("invalid_request");
    expect(adapter.error(401, body("invalid api token"), new Headers()).kind).toBe("auth");
    expect(adapter.error(498, body("invalid api token"), new Headers()).kind).toBe("auth");
    expect(adapter.error(500, body("internal server error"), new Headers()).kind).toBe("server");
    expect(adapter.error(503, body("service unavailable"), new Headers()).kind).toBe("overloaded");
  });
});

