import { describe, expect, test } from "bun:test";
import type { ProviderEndpoint } from "../../../src/ai/provider.ts";
import { adapter } from "../../../src/ai/providers/openai-compatible/index.ts";
import type { ChatRequest } from "../../../src/ai/types.ts";
import { bytesOf, drain } from "./conformance.case.ts";

const openaiDir = new URL("./fixtures/openai/", import.meta.url);
const json = async (name: string): Promise<unknown> => JSON.parse(await Bun.file(new URL(name, openaiDir)).text()) as unknown;

const endpoint: ProviderEndpoint = { kind: "openai_compatible", baseUrl: "https://api.groq.com/openai/v1", headers: {} };
const unified = (await json("chat-request.unified.json")) as ChatRequest;
const oneChoice: ChatRequest = { ...unified, n: undefined };

describe("OpenAI-compatible request", () => {
  test("OpenAI's body with max_tokens and without logprobs or n", async () => {
    const http = await adapter.chatRequest(oneChoice, endpoint, { kind: "api_key", key: "gsk_1" });
    expect(http.url).toBe("https://api.groq.com/openai/v1/chat/completions");
    expect(http.headers.authorization).toBe("Bearer gsk_1");
    const { max_completion_tokens, logprobs, top_logprobs, n, ...same } = (await json("chat-request.openai.json")) as Record<string, unknown>;
    expect([max_completion_tokens, logprobs, top_logprobs, n]).toEqual([512, true, 2, 2]);
    expect(JSON.parse(http.body ?? "")).toEqual({ ...same, max_tokens: 512 });
  });

  test("credential kind none sends no Authorization header", async () => {
    const http = await adapter.chatRequest(oneChoice, { ...endpoint, baseUrl: "http://localhost:11434/v1" }, { kind: "none" });
    expect(http.url).toBe("http://localhost:11434/v1/chat/completions");
    expect(Object.keys(http.headers).map((h) => h.toLowerCase())).not.toContain("authorization");
  });

  test("stream_options is still sent", async () => {
    const body = JSON.parse((await adapter.chatRequest({ ...oneChoice, stream: true }, endpoint, { kind: "none" })).body ?? "") as Record<string, unknown>;
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  test("the base URL is required", async () => {
    expect(adapter.defaultBaseUrl).toBe("");
    await expect(adapter.chatRequest(oneChoice, { ...endpoint, baseUrl: "" }, { kind: "none" })).rejects.toMatchObject({ code: "config_invalid" });
  });

  test("n > 1 is refused clearly (one choice is the conservative common ground)", async () => {
    await expect(adapter.chatRequest(unified, endpoint, { kind: "none" })).rejects.toMatchObject({ code: "bad_request" });
  });

  test("conservative capabilities", () => {
    expect(adapter.capabilities).toMatchObject({ streamUsage: false, n: false, logprobs: false });
  });
});

describe("OpenAI-compatible stream", () => {
  test("a stream without usage is not an error", () => {
    const sse =
      'data: {"id":"x1","object":"chat.completion.chunk","created":9,"model":"llama3","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\n' +
      'data: {"id":"x1","object":"chat.completion.chunk","created":9,"model":"llama3","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
      "data: [DONE]\n\n";
    expect(drain(adapter.chatStream({ ...oneChoice, stream: true }), [bytesOf(sse)])).toEqual([
      { type: "start", id: "x1", model: "llama3", created: 9 },
      { type: "text", choice: 0, text: "Hi" },
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });

  test("a server that omits [DONE] after finishing is complete, one that stops before finishing is cut", () => {
    const finished =
      'data: {"id":"x2","created":9,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\n';
    expect(drain(adapter.chatStream({ ...oneChoice, stream: true }), [bytesOf(finished)]).map((i) => i.type)).toEqual(["start", "text", "finish"]);
    const cut = 'data: {"id":"x3","created":9,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\n';
    expect(drain(adapter.chatStream({ ...oneChoice, stream: true }), [bytesOf(cut)]).at(-1)).toMatchObject({ type: "error", error: { kind: "reset" } });
  });

  test("Ollama-style string errors and FastAPI details are read", () => {
    expect(adapter.error(404, '{"error":"model \\"llama9\\" not found, try pulling it first"}', new Headers())).toMatchObject({
      kind: "not_found",
      message: 'model "llama9" not found, try pulling it first',
    });
    expect(adapter.error(422, '{"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]}', new Headers())).toMatchObject({
      kind: "invalid_request",
      message: "field required",
    });
  });
});
