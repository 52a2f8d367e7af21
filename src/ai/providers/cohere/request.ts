/** Cohere v2 requests: `{base}/v2/chat` and `{base}/v2/embed`, Bearer key. */
import type { HttpRequest, ProviderCredential, ProviderEndpoint } from "../../provider.ts";
import type { ChatRequest, EmbeddingsRequest } from "../../types.ts";
import { assertSupported } from "../shared/capabilities.ts";
import { applyFieldMap } from "../shared/field-map.ts";
import { baseUrlOf, bearerAuth, jsonHeaders } from "../shared/http.ts";
import { cohereEmbeddingsBody } from "./embeddings.ts";
import { COHERE_CAPABILITIES, COHERE_FIELDS } from "./fields.ts";
import { toCohereMessages } from "./messages.ts";
import { toCohereTools } from "./tools.ts";

export function cohereBody(req: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.model, messages: toCohereMessages(req.messages) };
  Object.assign(body, toCohereTools(req));
  applyFieldMap(req, COHERE_FIELDS, body);
  if (req.stream) body.stream = true;
  return body;
}

export async function cohereChatRequest(req: ChatRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest> {
  assertSupported(req, COHERE_CAPABILITIES, "cohere");
  return {
    url: `${baseUrlOf(endpoint, "cohere")}/v2/chat`,
    method: "POST",
    headers: jsonHeaders(bearerAuth(credential, "cohere"), endpoint, req.stream),
    body: JSON.stringify(cohereBody(req)),
  };
}

export async function cohereEmbeddingsRequest(req: EmbeddingsRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest> {
  return {
    url: `${baseUrlOf(endpoint, "cohere")}/v2/embed`,
    method: "POST",
    headers: jsonHeaders(bearerAuth(credential, "cohere"), endpoint, false),
    body: JSON.stringify(cohereEmbeddingsBody(req)),
  };
}
