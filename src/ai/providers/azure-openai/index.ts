/**
 * Azure OpenAI: OpenAI's wire format addressed per deployment.
 *
 *   POST {base}/openai/deployments/{deployment}/chat/completions?api-version={version}
 *   api-key: <key>
 *
 * `base` is the resource endpoint (https://<resource>.openai.azure.com; a
 * trailing /openai is accepted too). The deployment is endpoint.deployment,
 * which the provider's `deployments` map resolves, defaulting to the model
 * name. The api-version defaults to AZURE_DEFAULT_API_VERSION, the latest
 * GA inference version, which accepts max_completion_tokens and
 * stream_options; a provider's api_version overrides it. Content filtering
 * surfaces as a 400 with code content_filter (kind content_filter) or as
 * finish_reason content_filter.
 */
import type { ProviderAdapter, ProviderCredential, ProviderEndpoint } from "../../provider.ts";
import { classifyOpenAiError } from "../openai/errors.ts";
import { openAiEmbeddingsBody } from "../openai/embeddings.ts";
import { openAiFamilyAdapter, type OpenAiOperation } from "../openai/family.ts";
import { OPENAI_BODY } from "../openai/parts.ts";
import { WaygateError } from "../../../core/errors.ts";
import { baseUrlOf } from "../shared/http.ts";

export const AZURE_DEFAULT_API_VERSION = "2024-10-21";

export function azureUrl(endpoint: ProviderEndpoint, operation: OpenAiOperation, model: string): string {
  const base = baseUrlOf(endpoint, "Azure OpenAI").replace(/\/openai$/, "");
  const deployment = encodeURIComponent(endpoint.deployment || model);
  const version = encodeURIComponent(endpoint.apiVersion ?? AZURE_DEFAULT_API_VERSION);
  return `${base}/openai/deployments/${deployment}/${operation}?api-version=${version}`;
}

function azureAuth(credential: ProviderCredential): Record<string, string> {
  if (credential.kind === "api_key") return { "api-key": credential.key };
  // Microsoft Entra ID tokens travel as an `authorization` header from the provider's headers.
  if (credential.kind === "none") return {};
  throw new WaygateError("config_invalid", "Azure OpenAI providers take an API key, not AWS credentials");
}

export const adapter: ProviderAdapter = openAiFamilyAdapter({
  kind: "azure_openai",
  label: "Azure OpenAI",
  // Every Azure resource has its own endpoint: base_url is required.
  defaultBaseUrl: "",
  capabilities: { embeddings: true, tools: true, images: true, jsonSchema: true, streamUsage: true, n: true, logprobs: true, seed: true },
  body: OPENAI_BODY,
  url: azureUrl,
  auth: azureAuth,
  embeddingsBody: openAiEmbeddingsBody,
  error: classifyOpenAiError,
});
