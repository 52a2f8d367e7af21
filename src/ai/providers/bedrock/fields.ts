/** Unified ChatRequest fields → Bedrock Converse request fields. */
import type { AdapterCapabilities } from "../../provider.ts";
import type { FieldMap } from "../shared/field-map.ts";

export const BEDROCK_FIELDS: FieldMap = {
  maxTokens: "inferenceConfig.maxTokens",
  temperature: "inferenceConfig.temperature",
  topP: "inferenceConfig.topP",
  stop: "inferenceConfig.stopSequences",
  // Converse has no top-k; Anthropic, Mistral and Cohere models on Bedrock take it as a model field.
  topK: "additionalModelRequestFields.top_k",
};

/** Images must be inline bytes (see messages.ts); n, seed and logprobs do not exist in Converse. */
export const BEDROCK_CAPABILITIES: AdapterCapabilities = {
  embeddings: false,
  tools: true,
  images: true,
  jsonSchema: true,
  streamUsage: true,
  n: false,
  logprobs: false,
  seed: false,
};
