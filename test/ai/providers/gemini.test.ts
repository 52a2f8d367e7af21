import { describe, expect, test } from "bun:test";
import type { ProviderEndpoint } from "../../../src/ai/provider.ts";
import { adapter, vertexAdapter } from "../../../src/ai/providers/gemini/index.ts";
import type { ChatRequest, EmbeddingsRequest } from "../../../src/ai/types.ts";
import { bytesOf, bytewise, drain, randomSplits, whole } from "./conformance.case.ts";

const dir = new URL("./fixtures/gemini/", import.meta.url);
const text = (name: string): Promise<string> => Bun.file(new URL(name, dir)).text();
const json = async (name: string): Promise<unknown> => JSON.parse(await text(name)) as unknown;

const endpoint: ProviderEndpoint = { kind: "gemini", baseUrl: "https://generativelanguage.googleapis.com", headers: {} };
const vertex: ProviderEndpoint = { kind: "vertex", baseUrl: "https://aiplatform.googleapis.com", region: "europe-west4", project: "acme-ai", headers: {} };
const key = { kind: "api_key" as const, key: "AIza-test" };
const unified = (await json("chat-request.unified.json")) as ChatRequest;

const minimal = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "gemini-2.5-flash",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
  ...over,
});

const bodyOf = async (req: ChatRequest): Promise<Record<string, unknown>> =>
  JSON.parse((await adapter.chatRequest(req, endpoint, key)).body ?? "") as Record<string, unknown>;

function decodeAll(sse: string, req: ChatRequest = minimal({ stream: true })) {
  const bytes = bytesOf(sse);
  const runs = [whole(bytes), bytewise(bytes), ...[1, 2, 3, 4, 5, 6, 7, 8].map((s) => randomSplits(bytes, s))];
  const norm = (i: ReturnType<typeof drain>[number]) =>
    i.type === "start" ? { ...i, created: 0, id: i.id.startsWith("chatcmpl-") ? "chatcmpl-*" : i.id } : i.type === "tool_call_start" ? { ...i, id: i.id.startsWith("call_") ? "call_*" : i.id } : i;
  const results = runs.map((chunks) => drain(adapter.chatStream(req), chunks).map(norm));
  for (const r of results.slice(1)) expect(r).toEqual(results[0] ?? []);
  return results[0] ?? [];
}

describe("Gemini request", () => {
  test("the rich unified request becomes the documented generateContent body (golden)", async () => {
    const http = await adapter.chatRequest(unified, endpoint, key);
    expect(http.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    expect(http.headers).toEqual({ "content-type": "application/json", accept: "application/json", "x-goog-api-key": "AIza-test" });
    expect(JSON.parse(http.body ?? "")).toEqual(await json("chat-request.gemini.json"));
  });

  test("streams use streamGenerateContent?alt=sse; models/ prefixes are stripped; apiVersion replaces v1beta", async () => {
    const http = await adapter.chatRequest(minimal({ model: "models/gemini-2.0-flash", stream: true }), { ...endpoint, apiVersion: "v1" }, key);
    expect(http.url).toBe("https://generativelanguage.googleapis.com/v1/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
    expect(http.headers.accept).toBe("text/event-stream");
  });

  test("a tool result's function name is looked up from the earlier call; JSON object results pass as they are", async () => {
    const body = await bodyOf(
      minimal({
        messages: [
          { role: "user", content: [{ type: "text", text: "Lights?" }] },
          { role: "assistant", content: [], toolCalls: [{ id: "c1", name: "set_light_values", arguments: '{"brightness":25}' }] },
          { role: "tool", toolCallId: "c1", content: [{ type: "text", text: '{"brightness":25,"colorTemperature":"warm"}' }] },
        ],
      }),
    );
    expect((body.contents as unknown[])[2]).toEqual({
      role: "user",
      parts: [{ functionResponse: { name: "set_light_values", response: { brightness: 25, colorTemperature: "warm" }, id: "c1" } }],
    });
  });

  test("tool_choice, response formats, n and penalties", async () => {
    const tools = unified.tools ?? [];
    const modes: Array<[ChatRequest["toolChoice"], unknown]> = [
      ["auto", { mode: "AUTO" }],
      ["none", { mode: "NONE" }],
      ["required", { mode: "ANY" }],
      [{ name: "get_weather" }, { mode: "ANY", allowedFunctionNames: ["get_weather"] }],
    ];
    for (const [choice, config] of modes) {
      expect((await bodyOf(minimal({ tools, toolChoice: choice }))).toolConfig).toEqual({ functionCallingConfig: config });
    }
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const body = await bodyOf(
      minimal({ maxTokens: 50, n: 2, presencePenalty: 0.1, frequencyPenalty: 0.2, responseFormat: { type: "json_schema", name: "x", schema } }),
    );
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 50,
      candidateCount: 2,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
    expect((await bodyOf(minimal({ responseFormat: { type: "json_object" } }))).generationConfig).toEqual({ responseMimeType: "application/json" });
  });
});

describe("Vertex request", () => {
  test("regional host, project path, Bearer token", async () => {
    const http = await vertexAdapter.chatRequest(unified, vertex, { kind: "api_key", key: "ya29.token" });
    expect(http.url).toBe(
      "https://europe-west4-aiplatform.googleapis.com/v1/projects/acme-ai/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent",
    );
    expect(http.headers.authorization).toBe("Bearer ya29.token");
    expect(JSON.parse(http.body ?? "")).toEqual(await json("chat-request.gemini.json"));
  });

  test("global location, custom base URLs kept, streams, a missing project is a configuration error", async () => {
    const global = await vertexAdapter.chatRequest(minimal({ stream: true }), { ...vertex, region: "global" }, key);
    expect(global.url).toBe(
      "https://aiplatform.googleapis.com/v1/projects/acme-ai/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    const proxied = await vertexAdapter.chatRequest(minimal(), { ...vertex, baseUrl: "http://127.0.0.1:9000/vertex" }, key);
    expect(proxied.url).toStartWith("http://127.0.0.1:9000/vertex/v1/projects/acme-ai/locations/europe-west4/");
    const err = await vertexAdapter.chatRequest(minimal(), { ...vertex, project: undefined }, key).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/project/);
  });

  test("embeddings via :predict report Vertex's token counts", async () => {
    const req: EmbeddingsRequest = { model: "text-embedding-005", input: ["a", "b"], inputType: "search_query", dimensions: 256 };
    const http = await vertexAdapter.embeddingsRequest?.(req, vertex, key);
    expect(http?.url).toBe("https://europe-west4-aiplatform.googleapis.com/v1/projects/acme-ai/locations/europe-west4/publishers/google/models/text-embedding-005:predict");
    expect(JSON.parse(http?.body ?? "")).toEqual({
      instances: [
        { content: "a", task_type: "RETRIEVAL_QUERY" },
        { content: "b", task_type: "RETRIEVAL_QUERY" },
      ],
      parameters: { outputDimensionality: 256 },
    });
    const res = vertexAdapter.embeddingsResponse?.(
      {
        predictions: [
          { embeddings: { values: [0.1, 0.2], statistics: { token_count: 3, truncated: false } } },
          { embeddings: { values: [0.3, 0.4], statistics: { token_count: 4, truncated: false } } },
        ],
      },
      req,
    );
    expect(res).toEqual({ model: "text-embedding-005", embeddings: [[0.1, 0.2], [0.3, 0.4]], usage: { inputTokens: 7 } });
  });
});

describe("Gemini response", () => {
  test("text, function call, thoughts skipped, usage with cache and reasoning (golden)", async () => {
    const res = adapter.chatResponse(await json("chat-response.json"), minimal());
    expect(res.id).toBe("mNxYaPqrJ9u1nvgP2IuR6Qo");
    expect(res.model).toBe("gemini-2.5-flash");
    expect(res.choices).toHaveLength(1);
    const choice = res.choices[0];
    expect(choice?.message.content).toBe("Setting the lights now.");
    expect(choice?.message.toolCalls?.map((c) => ({ name: c.name, arguments: c.arguments }))).toEqual([
      { name: "set_light_values", arguments: '{"brightness":25,"color_temp":"warm"}' },
    ]);
    expect(choice?.message.toolCalls?.[0]?.id).toMatch(/^call_/);
    expect(choice?.finishReason).toBe("tool_calls");
    expect(res.usage).toEqual({ inputTokens: 120, outputTokens: 70, cachedInputTokens: 64, reasoningTokens: 50 });
  });

  test("finish reasons, a blocked prompt, several candidates", () => {
    const one = (finishReason: string) =>
      adapter.chatResponse({ candidates: [{ content: { parts: [{ text: "x" }] }, finishReason }] }, minimal()).choices[0]?.finishReason;
    expect(one("MAX_TOKENS")).toBe("length");
    expect(one("SAFETY")).toBe("content_filter");
    expect(one("PROHIBITED_CONTENT")).toBe("content_filter");
    expect(one("MALFORMED_FUNCTION_CALL")).toBe("error");
    const blocked = adapter.chatResponse({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 9 } }, minimal());
    expect(blocked.choices).toEqual([{ index: 0, message: { content: null }, finishReason: "content_filter" }]);
    const two = adapter.chatResponse(
      {
        candidates: [
          { content: { parts: [{ text: "a" }] }, finishReason: "STOP", index: 0 },
          { content: { parts: [{ text: "b" }] }, finishReason: "STOP", index: 1 },
        ],
      },
      minimal({ n: 2 }),
    );
    expect(two.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, "a"],
      [1, "b"],
    ]);
  });
});

describe("Gemini stream", () => {
  test("the documented text stream over CRLF SSE (golden)", async () => {
    expect(decodeAll(await text("stream-text.sse"))).toEqual([
      { type: "start", id: "resp-1", model: "gemini-2.0-flash", created: 0 },
      { type: "text", choice: 0, text: "The" },
      { type: "text", choice: 0, text: " quick brown fox" },
      { type: "text", choice: 0, text: " jumps over the lazy dog." },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: { inputTokens: 8, outputTokens: 12 } },
    ]);
  });

  test("whole function calls become a start and one delta each; STOP after calls is tool_calls", async () => {
    expect(decodeAll(await text("stream-tools.sse"))).toEqual([
      { type: "start", id: "resp-2", model: "gemini-2.5-flash", created: 0 },
      { type: "text", choice: 0, text: "Checking both cities." },
      { type: "tool_call_start", choice: 0, tool: 0, id: "call_*", name: "get_weather" },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"location":"Boston"}' },
      { type: "tool_call_start", choice: 0, tool: 1, id: "call_*", name: "get_weather" },
      { type: "tool_call_delta", choice: 0, tool: 1, arguments: '{"location":"Paris"}' },
      { type: "finish", choice: 0, reason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 30, outputTokens: 15, reasoningTokens: 5 } },
    ]);
  });

  test("a safety stop, a blocked prompt and an in-stream error", () => {
    const safety = decodeAll('data: {"candidates":[{"content":{"parts":[{"text":"Hm"}]},"finishReason":"SAFETY","index":0}]}\n\n');
    expect(safety.slice(1)).toEqual([
      { type: "text", choice: 0, text: "Hm" },
      { type: "finish", choice: 0, reason: "content_filter" },
    ]);
    const blocked = decodeAll('data: {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":5}}\n\n');
    expect(blocked.slice(1)).toEqual([
      { type: "finish", choice: 0, reason: "content_filter" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 0 } },
    ]);
    const failed = decodeAll(
      'data: {"candidates":[{"content":{"parts":[{"text":"Hi"}]},"index":0}]}\n\ndata: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\n\n',
    );
    expect(failed.slice(1)).toEqual([
      { type: "text", choice: 0, text: "Hi" },
      { type: "error", error: { kind: "overloaded", status: 503, message: "The model is overloaded.", providerCode: "UNAVAILABLE" } },
    ]);
  });

  test("a stream without a finishReason ends with a reset error after its usage", async () => {
    const full = await text("stream-text.sse");
    const cut = full.slice(0, full.lastIndexOf("data:"));
    const items = drain(adapter.chatStream(minimal({ stream: true })), [bytesOf(cut)]);
    expect(items.map((i) => i.type)).toEqual(["start", "text", "text", "usage", "error"]);
    expect(items.at(-1)).toMatchObject({ type: "error", error: { kind: "reset" } });
  });
});

describe("Gemini embeddings", () => {
  test("batchEmbedContents request and response", async () => {
    const req: EmbeddingsRequest = { model: "gemini-embedding-001", input: ["What is the meaning of life?", "How much wood?"], inputType: "search_document", dimensions: 768 };
    const http = await adapter.embeddingsRequest?.(req, endpoint, key);
    expect(http?.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(JSON.parse(http?.body ?? "")).toEqual({
      requests: [
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "What is the meaning of life?" }] }, taskType: "RETRIEVAL_DOCUMENT", outputDimensionality: 768 },
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "How much wood?" }] }, taskType: "RETRIEVAL_DOCUMENT", outputDimensionality: 768 },
      ],
    });
    const res = adapter.embeddingsResponse?.({ embeddings: [{ values: [0.1, -0.2] }, { values: [0.3, 0.4] }] }, req);
    expect(res?.embeddings).toEqual([
      [0.1, -0.2],
      [0.3, 0.4],
    ]);
    expect(res?.usage.estimated).toBe(true);
    expect(res?.usage.inputTokens).toBe(11);
    expect(() => adapter.embeddingsResponse?.({ embeddings: [] }, req)).toThrow(/0 embeddings for 2 inputs/);
  });
});

describe("Gemini errors", () => {
  test("RESOURCE_EXHAUSTED with RetryInfo, token limit, invalid API key, safety, not found", async () => {
    expect(adapter.error(429, await text("error-rate-limit.json"), new Headers())).toMatchObject({
      kind: "rate_limited",
      status: 429,
      providerCode: "RESOURCE_EXHAUSTED",
      retryAfterMs: 37_000,
    });
    expect(adapter.error(400, await text("error-context-length.json"), new Headers()).kind).toBe("context_length");
    expect(adapter.error(400, await text("error-api-key.json"), new Headers()).kind).toBe("auth");
    const safety = JSON.stringify({ error: { code: 400, message: "The request was blocked due to SAFETY.", status: "INVALID_ARGUMENT" } });
    expect(adapter.error(400, safety, new Headers()).kind).toBe("content_filter");
    const missing = JSON.stringify([{ error: { code: 404, message: "models/gemini-9 is not found for API version v1beta", status: "NOT_FOUND" } }]);
    expect(adapter.error(404, missing, new Headers()).kind).toBe("not_found");
    expect(adapter.error(400, JSON.stringify({ error: { code: 400, message: "Invalid JSON payload received.", status: "INVALID_ARGUMENT" } }), new Headers()).kind).toBe(
      "invalid_request",
    );
  });
});

