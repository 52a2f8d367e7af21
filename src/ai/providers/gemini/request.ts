/**
 * Gemini API (Google AI Studio) requests:
 * `{base}/v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent?alt=sse` and `:batchEmbedContents`, with the key in
 * x-goog-api-key. endpoint.apiVersion replaces v1beta (e.g. "v1").
 */
import { WaygateError } from "../../../core/errors.ts";
import type { HttpRequest, ProviderCredential, ProviderEndpoint } from "../../provider.ts";
import type { ChatRequest, EmbeddingsRequest } from "../../types.ts";
import { assertSupported } from "../shared/capabilities.ts";
import { baseUrlOf, jsonHeaders } from "../shared/http.ts";
import { geminiBody, modelId } from "./body.ts";
import { geminiEmbeddingsBody } from "./embeddings.ts";
import { GEMINI_CAPABILITIES } from "./fields.ts";

export const GEMINI_DEFAULT_API_VERSION = "v1beta";

function apiKeyHeader(credential: ProviderCredential): Record<string, string> {
  if (credential.kind === "api_key") return { "x-goog-api-key": credential.key };
  if (credential.kind === "none") return {};
  throw new WaygateError("config_invalid", "gemini providers take an API key, not AWS credentials");
}

function modelUrl(endpoint: ProviderEndpoint, model: string, method: string): string {
  const version = endpoint.apiVersion ?? GEMINI_DEFAULT_API_VERSION;
  return `${baseUrlOf(endpoint, "gemini")}/${version}/models/${encodeURIComponent(modelId(model))}:${method}`;
}

/** `:streamGenerateContent?alt=sse` or `:generateContent`. */
export function chatMethod(stream: boolean): string {
  return stream ? "streamGenerateContent?alt=sse" : "generateContent";
}

export async function geminiChatRequest(req: ChatRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest> {
  assertSupported(req, GEMINI_CAPABILITIES, "gemini");
  return {
    url: modelUrl(endpoint, req.model, chatMethod(req.stream)),
    method: "POST",
    headers: jsonHeaders(apiKeyHeader(credential), endpoint, req.stream),
    body: JSON.stringify(geminiBody(req)),
  };
}

export async function geminiEmbeddingsRequest(req: EmbeddingsRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest> {
  return {
    url: modelUrl(endpoint, req.model, "batchEmbedContents"),
    method: "POST",
    headers: jsonHeaders(apiKeyHeader(credential), endpoint, false),
    body: JSON.stringify(geminiEmbeddingsBody(req)),
  };
}
