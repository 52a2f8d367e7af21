/** Unified ChatRequest fields → Anthropic Messages request fields. */
import type { AdapterCapabilities } from "../../provider.ts";
import type { FieldMap } from "../shared/field-map.ts";

export const ANTHROPIC_FIELDS: FieldMap = {
  maxTokens: "max_tokens",
  temperature: "temperature",
  topP: "top_p",
  topK: "top_k",
  stop: "stop_sequences",
  user: "metadata.user_id",
};

/**
 * max_tokens is required by Anthropic; OpenAI clients usually leave it out.
 * 4096 is the largest output every Claude model accepts (Claude 3 Haiku/Opus
 * cap at 4096), so it never fails validation.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** The anthropic-version header when the provider entity sets no api_version. */
export const DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

/** n, seed, logprobs and penalties have no Anthropic equivalent (seed and logprobs are dropped as hints). */
export const ANTHROPIC_CAPABILITIES: AdapterCapabilities = {
  embeddings: false,
  tools: true,
  images: true,
  jsonSchema: true,
  streamUsage: true,
  n: false,
  logprobs: false,
  seed: false,
};
