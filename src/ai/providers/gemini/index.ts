/**
 * Google's models: `adapter` speaks the Gemini API (generativelanguage.googleapis.com,
 * API key), `vertexAdapter` Vertex AI (OAuth access token, project + region).
 * Both share the generateContent body, answer parsing, stream decoder and
 * error classification.
 */
import type { ProviderAdapter } from "../../provider.ts";
import { geminiEmbeddingsResponse } from "./embeddings.ts";
import { geminiError } from "./errors.ts";
import { GEMINI_CAPABILITIES } from "./fields.ts";
import { geminiChatRequest, geminiEmbeddingsRequest } from "./request.ts";
import { geminiChatResponse } from "./response.ts";
import { geminiStream } from "./stream.ts";
import { VERTEX_DEFAULT_BASE_URL, vertexChatRequest, vertexEmbeddingsRequest, vertexEmbeddingsResponse } from "./vertex.ts";

export const adapter: ProviderAdapter = {
  kind: "gemini",
  defaultBaseUrl: "https://generativelanguage.googleapis.com",
  capabilities: GEMINI_CAPABILITIES,
  chatRequest: geminiChatRequest,
  chatResponse: geminiChatResponse,
  chatStream: geminiStream,
  embeddingsRequest: geminiEmbeddingsRequest,
  embeddingsResponse: geminiEmbeddingsResponse,
  error: geminiError,
};

export const vertexAdapter: ProviderAdapter = {
  kind: "vertex",
  defaultBaseUrl: VERTEX_DEFAULT_BASE_URL,
  capabilities: GEMINI_CAPABILITIES,
  chatRequest: vertexChatRequest,
  chatResponse: geminiChatResponse,
  chatStream: geminiStream,
  embeddingsRequest: vertexEmbeddingsRequest,
  embeddingsResponse: vertexEmbeddingsResponse,
  error: geminiError,
};
