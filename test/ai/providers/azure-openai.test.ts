import { describe, expect, test } from "bun:test";
import type { DecodedStreamItem, ProviderEndpoint } from "../../../src/ai/provider.ts";
import { AZURE_DEFAULT_API_VERSION, adapter } from "../../../src/ai/providers/azure-openai/index.ts";
import type { ChatRequest } from "../../../src/ai/types.ts";
import { bytesOf, bytewise, drain, randomSplits, whole } from "./conformance.case.ts";

const azureDir = new URL("./fixtures/azure/", import.meta.url);
const openaiDir = new URL("./fixtures/openai/", import.meta.url);
const text = (dir: URL, name: string): Promise<string> => Bun.file(new URL(name, dir)).text();
const json = async (dir: URL, name: string): Promise<unknown> => JSON.parse(await text(dir, name)) as unknown;

const endpoint: ProviderEndpoint = { kind: "azure_openai", baseUrl: "https://contoso.openai.azure.com", deployment: "gpt-4o-prod", headers: {} };
const key = { kind: "api_key" as const, key: "azure-key-1" };
const unified = (await json(openaiDir, "chat-request.unified.json")) as ChatRequest;

describe("Azure OpenAI request", () => {
  test("deployment URL, api-key header and OpenAI's body (golden)", async () => {
    const http = await adapter.chatRequest(unified, endpoint, key);
    expect(http.url).toBe(`https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`);
    expect(http.headers).toEqual({ "content-type": "application/json", accept: "application/json", "api-key": "azure-key-1" });
    expect(JSON.parse(http.body ?? "")).toEqual(await json(openaiDir, "chat-request.openai.json"));
  });

  test("the default api-version is the documented GA version", () => {
    expect(AZURE_DEFAULT_API_VERSION).toBe("2024-10-21");
  });

  test("the deployment defaults to the model name; api_version and a trailing /openai are honoured", async () => {
    const http = await adapter.chatRequest(
      { ...unified, model: "gpt-4o mini" },
      { kind: "azure_openai", baseUrl: "https://eu.openai.azure.com/openai/", apiVersion: "2025-01-01-preview", headers: {} },
      key,
    );
    expect(http.url).toBe("https://eu.openai.azure.com/openai/deployments/gpt-4o%20mini/chat/completions?api-version=2025-01-01-preview");
  });

  test("streams ask for usage", async () => {
    const body = JSON.parse((await adapter.chatRequest({ ...unified, stream: true }, endpoint, key)).body ?? "") as Record<string, unknown>;
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  test("Entra ID: no key, the bearer token comes from the provider headers", async () => {
    const http = await adapter.chatRequest(unified, { ...endpoint, headers: { authorization: "Bearer eyJ0" } }, { kind: "none" });
    expect(http.headers["api-key"]).toBeUndefined();
    expect(http.headers.authorization).toBe("Bearer eyJ0");
  });

  test("no base URL is a configuration error", async () => {
    await expect(adapter.chatRequest(unified, { ...endpoint, baseUrl: "" }, key)).rejects.toMatchObject({ code: "config_invalid" });
  });

  test("embeddings go to the deployment's embeddings path", async () => {
    const http = await adapter.embeddingsRequest?.({ model: "text-embedding-3-large", input: ["a"] }, { ...endpoint, deployment: undefined }, key);
    expect(http?.url).toBe(`https://contoso.openai.azure.com/openai/deployments/text-embedding-3-large/embeddings?api-version=${AZURE_DEFAULT_API_VERSION}`);
    expect(JSON.parse(http?.body ?? "")).toEqual({ model: "text-embedding-3-large", input: ["a"], encoding_format: "float" });
  });
});

describe("Azure OpenAI response and stream", () => {
  test("a documented completion with filter results parses", async () => {
    expect(adapter.chatResponse(await json(azureDir, "chat-response.json"), unified)).toEqual({
      id: "chatcmpl-AzRsp1",
      model: "gpt-4o-2024-08-06",
      created: 1729000100,
      choices: [{ index: 0, message: { content: "Yes, customer managed keys are supported by Azure OpenAI." }, finishReason: "stop" }],
      usage: { inputTokens: 25, outputTokens: 12 },
      systemFingerprint: "fp_04751d0b65",
    });
  });

  test("the stream's id-less prompt-filter chunk is skipped and finish_reason content_filter kept, in any split (golden)", async () => {
    const bytes = bytesOf(await text(azureDir, "stream-filtered.sse"));
    const expected = await json(azureDir, "stream-filtered.events.json");
    for (const chunks of [whole(bytes), bytewise(bytes), randomSplits(bytes, 7), randomSplits(bytes, 8)]) {
      expect(drain(adapter.chatStream({ ...unified, stream: true }), chunks)).toEqual(expected as DecodedStreamItem[]);
    }
  });
});

describe("Azure OpenAI errors", () => {
  const classify = (status: number, body: string, headers: Record<string, string> = {}) => adapter.error(status, body, new Headers(headers));

  test("400 content_filter is content_filter", async () => {
    expect(classify(400, await text(azureDir, "error-content-filter.json"))).toMatchObject({ kind: "content_filter", status: 400, providerCode: "content_filter" });
  });

  test("429 with Retry-After and retry-after-ms", async () => {
    expect(classify(429, await text(azureDir, "error-rate-limit.json"), { "retry-after": "6", "retry-after-ms": "5800" })).toMatchObject({
      kind: "rate_limited",
      retryAfterMs: 5800,
      providerCode: "429",
    });
    expect(classify(429, await text(azureDir, "error-rate-limit.json"), { "retry-after": "6" }).retryAfterMs).toBe(6000);
  });

  test("DeploymentNotFound is not_found; context_length_exceeded is context_length", async () => {
    expect(classify(404, await text(azureDir, "error-deployment-not-found.json"))).toMatchObject({ kind: "not_found", providerCode: "DeploymentNotFound" });
    expect(classify(400, await text(azureDir, "error-context-length.json")).kind).toBe("context_length");
  });
});
