/**
 * What the gateway knows about one model: limits, capabilities and prices.
 * Prices are USD per million tokens; an absent price means unknown (cost
 * is then reported as null, never as 0).
 */
import type { ProviderKind } from "../provider.ts";

export interface ModelCapabilities {
  tools: boolean;
  vision: boolean;
  reasoning: boolean;
  /** JSON mode / structured output. */
  json: boolean;
}

export interface ModelInfo {
  /** The provider kind this entry is listed under. */
  provider: ProviderKind;
  /** Whose price list it comes from: openai, anthropic, google, aws, groq, x-ai, … (or "override"). */
  source: string;
  /** The model id as that source names it. */
  id: string;
  name: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities: ModelCapabilities;
  inputPerMTok?: number;
  outputPerMTok?: number;
  /** Input tokens served from the prompt cache. */
  cachedInputPerMTok?: number;
  /** Input tokens written to the prompt cache (Anthropic, Bedrock). */
  cacheWritePerMTok?: number;
}

export interface Catalog {
  /**
   * The model a provider of this kind serves under `model`, tolerant of
   * dated suffixes, aliases, Bedrock inference profiles and version tags.
   */
  lookup(providerKind: ProviderKind, model: string): ModelInfo | undefined;
  /** Every known model, overrides applied. */
  list(): ModelInfo[];
}
