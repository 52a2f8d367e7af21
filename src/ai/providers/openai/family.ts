/**
 * One ProviderAdapter for every provider that speaks OpenAI's chat
 * completions wire format. A member supplies only what differs: where to
 * send (URL, auth header), its field map and translation parts, its
 * capabilities, its error classifier.
 */
import type { AdapterCapabilities, HttpRequest, ProviderAdapter, ProviderCredential, ProviderEndpoint, ProviderKind } from "../../provider.ts";
import type { ChatRequest, EmbeddingsRequest, ProviderError } from "../../types.ts";
import { assertSupported } from "../shared/capabilities.ts";
import { jsonHeaders } from "../shared/http.ts";
import { sseDecoder } from "../shared/sse-decoder.ts";
import { buildChatBody, type ChatBodyParts } from "./body.ts";
import { parseEmbeddings } from "./embeddings.ts";
import { parseChatCompletion } from "./response.ts";
import { OpenAiStreamMachine } from "./stream.ts";

export type OpenAiOperation = "chat/completions" | "embeddings";

export interface OpenAiFamilyConfig {
  kind: ProviderKind;
  /** Used in error messages. */
  label: string;
  defaultBaseUrl: string;
  capabilities: AdapterCapabilities;
  body: ChatBodyParts;
  url(endpoint: ProviderEndpoint, operation: OpenAiOperation, model: string): string;
  auth(credential: ProviderCredential): Record<string, string>;
  embeddingsBody(req: EmbeddingsRequest): Record<string, unknown>;
  error(status: number, body: string, headers: Headers): ProviderError;
}

export function openAiFamilyAdapter(config: OpenAiFamilyConfig): ProviderAdapter {
  const post = (url: string, body: unknown, endpoint: ProviderEndpoint, credential: ProviderCredential, stream: boolean): HttpRequest => ({
    url,
    method: "POST",
    headers: jsonHeaders(config.auth(credential), endpoint, stream),
    body: JSON.stringify(body),
  });
  return {
    kind: config.kind,
    defaultBaseUrl: config.defaultBaseUrl,
    capabilities: config.capabilities,
    async chatRequest(req: ChatRequest, endpoint, credential) {
      assertSupported(req, config.capabilities, config.label);
      const url = config.url(endpoint, "chat/completions", req.model);
      return post(url, buildChatBody(req, config.body), endpoint, credential, req.stream);
    },
    chatResponse: (body, req) => parseChatCompletion(body, req, config.label),
    chatStream: (req) => sseDecoder(new OpenAiStreamMachine(req, config.label)),
    async embeddingsRequest(req, endpoint, credential) {
      return post(config.url(endpoint, "embeddings", req.model), config.embeddingsBody(req), endpoint, credential, false);
    },
    embeddingsResponse: (body, req) => parseEmbeddings(body, req, config.label),
    error: (status, body, headers) => config.error(status, body, headers),
  };
}
