import { describe, expect, test } from "bun:test";
import type { DecodedStreamItem, ProviderEndpoint } from "../../../src/ai/provider.ts";
import { adapter } from "../../../src/ai/providers/mistral/index.ts";
import { mistralToolCallId } from "../../../src/ai/providers/mistral/tool-ids.ts";
import type { ChatRequest, ChatResponse } from "../../../src/ai/types.ts";
import { bytesOf, bytewise, drain, randomSplits, whole } from "./conformance.case.ts";

const dir = new URL("./fixtures/mistral/", import.meta.url);
const openaiDir = new URL("./fixtures/openai/", import.meta.url);
const text = (name: string, from: URL = dir): Promise<string> => Bun.file(new URL(name, from)).text();
const json = async (name: string, from: URL = dir): Promise<unknown> => JSON.parse(await text(name, from)) as unknown;

const endpoint: ProviderEndpoint = { kind: "mistral", baseUrl: "https://api.mistral.ai/v1", headers: {} };
const key = { kind: "api_key" as const, key: "mistral-key" };
const unified = { ...((await json("chat-request.unified.json", openaiDir)) as ChatRequest), model: "pixtral-large-latest" };

describe("Mistral request", () => {
  test("the rich unified request becomes Mistral's body (golden)", async () => {
    const http = await adapter.chatRequest(unified, endpoint, key);
    expect(http.url).toBe("https://api.mistral.ai/v1/chat/completions");
    expect(http.headers).toEqual({ "content-type": "application/json", accept: "application/json", authorization: "Bearer mistral-key" });
    const body = JSON.parse(http.body ?? "") as Record<string, unknown>;
    expect(body).toEqual((await json("chat-request.mistral.json")) as Record<string, unknown>);
    for (const absent of ["safe_prompt", "logprobs", "top_logprobs", "user", "seed", "max_completion_tokens", "stream_options"]) expect(body[absent]).toBeUndefined();
  });

  test("required is any", async () => {
    const body = JSON.parse((await adapter.chatRequest({ ...unified, toolChoice: "required" }, endpoint, key)).body ?? "") as Record<string, unknown>;
    expect(body.tool_choice).toBe("any");
  });

  test("streams send stream: true and no stream_options", async () => {
    const body = JSON.parse((await adapter.chatRequest({ ...unified, stream: true }, endpoint, key)).body ?? "") as Record<string, unknown>;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toBeUndefined();
  });

  test("tool call ids become nine alphanumerics, the same for the call and its result; valid ids are kept", () => {
    for (const id of ["call_abc123", "toolu_01A09q90qw90lq917835lq9", "x"]) {
      expect(mistralToolCallId(id)).toMatch(/^[a-zA-Z0-9]{9}$/);
      expect(mistralToolCallId(id)).toBe(mistralToolCallId(id));
    }
    expect(mistralToolCallId("call_abc123")).not.toBe(mistralToolCallId("call_abc124"));
    expect(mistralToolCallId("D681PevKs")).toBe("D681PevKs");
  });

  test("embeddings: input and output_dimension", async () => {
    const http = await adapter.embeddingsRequest?.({ model: "mistral-embed", input: ["a", "b"], dimensions: 256 }, endpoint, key);
    expect(http?.url).toBe("https://api.mistral.ai/v1/embeddings");
    expect(JSON.parse(http?.body ?? "")).toEqual({ model: "mistral-embed", input: ["a", "b"], output_dimension: 256 });
  });
});

describe("Mistral response and stream", () => {
  test("tool calls with an empty content string read as content null (golden)", async () => {
    expect(adapter.chatResponse(await json("chat-response-tools.json"), unified)).toEqual((await json("chat-response-tools.unified.json")) as ChatResponse);
  });

  test("thinking chunks are left out of the text; model_length is length", async () => {
    const res = adapter.chatResponse(await json("chat-response-thinking.json"), unified);
    expect(res.choices[0]?.message.content).toBe("2 + 2 = 4.");
    expect(res.choices[0]?.finishReason).toBe("length");
  });

  for (const name of ["stream-text", "stream-tools"]) {
    test(`${name}.sse decodes to ${name}.events.json in any split (golden)`, async () => {
      const bytes = bytesOf(await text(`${name}.sse`));
      const expected = await json(`${name}.events.json`);
      for (const chunks of [whole(bytes), bytewise(bytes), randomSplits(bytes, 3), randomSplits(bytes, 4)]) {
        expect(drain(adapter.chatStream({ ...unified, stream: true }), chunks)).toEqual(expected as DecodedStreamItem[]);
      }
    });
  }

  test("embeddings parse", async () => {
    const res = adapter.embeddingsResponse?.(await json("embeddings-response.json"), { model: "mistral-embed", input: ["a", "b"] });
    expect(res).toEqual({
      model: "mistral-embed",
      embeddings: [
        [-0.016632080078125, 0.0701904296875, 0.03143310546875],
        [-0.0230560302734375, 0.039337158203125, 0.052734375],
      ],
      usage: { inputTokens: 15 },
    });
  });
});

describe("Mistral errors", () => {
  const classify = (status: number, body: string, headers: Record<string, string> = {}) => adapter.error(status, body, new Headers(headers));

  test("the prompt-too-large message is context_length", async () => {
    expect(classify(400, await text("error-context-length.json"))).toMatchObject({ kind: "context_length", status: 400, providerCode: "invalid_request_error" });
  });

  test("validation errors are invalid_request; top-level message bodies are read", async () => {
    expect(classify(422, await text("error-validation.json")).kind).toBe("invalid_request");
    expect(classify(401, '{"message":"Unauthorized","request_id":"abc"}')).toMatchObject({ kind: "auth", message: "Unauthorized" });
    expect(classify(429, '{"message":"Requests rate limit exceeded"}', { "retry-after": "1" })).toMatchObject({ kind: "rate_limited", retryAfterMs: 1000 });
  });
});
