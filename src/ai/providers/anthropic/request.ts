/** Builds the POST {base}/v1/messages request. */
import { WaygateError } from "../../../core/errors.ts";
import type { HttpRequest, ProviderCredential, ProviderEndpoint } from "../../provider.ts";
import type { ChatRequest } from "../../types.ts";
import { assertSupported } from "../shared/capabilities.ts";
import { applyFieldMap } from "../shared/field-map.ts";
import { baseUrlOf, jsonHeaders } from "../shared/http.ts";
import { ANTHROPIC_CAPABILITIES, ANTHROPIC_FIELDS, DEFAULT_ANTHROPIC_VERSION, DEFAULT_MAX_TOKENS } from "./fields.ts";
import { toAnthropicConversation } from "./messages.ts";
import { toAnthropicTools } from "./tools.ts";

export function anthropicBody(req: ChatRequest): Record<string, unknown> {
  const conv = toAnthropicConversation(req.messages);
  const body: Record<string, unknown> = { model: req.model };
  if (conv.system !== undefined) body.system = conv.system;
  body.messages = conv.messages;
  applyFieldMap(req, ANTHROPIC_FIELDS, body);
  if (body.max_tokens === undefined) body.max_tokens = DEFAULT_MAX_TOKENS;
  Object.assign(body, toAnthropicTools(req));
  if (req.stream) body.stream = true;
  return body;
}

export function anthropicHeaders(endpoint: ProviderEndpoint, credential: ProviderCredential, stream: boolean): Record<string, string> {
  const auth: Record<string, string> = { "anthropic-version": endpoint.apiVersion ?? DEFAULT_ANTHROPIC_VERSION };
  if (credential.kind === "api_key") auth["x-api-key"] = credential.key;
  else if (credential.kind === "aws") throw new WaygateError("config_invalid", "anthropic providers take an API key, not AWS credentials");
  return jsonHeaders(auth, endpoint, stream);
}

export async function anthropicChatRequest(req: ChatRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest> {
  assertSupported(req, ANTHROPIC_CAPABILITIES, "anthropic");
  return {
    url: `${baseUrlOf(endpoint, "anthropic")}/v1/messages`,
    method: "POST",
    headers: anthropicHeaders(endpoint, credential, req.stream),
    body: JSON.stringify(anthropicBody(req)),
  };
}
