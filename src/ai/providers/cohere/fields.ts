/** Unified ChatRequest fields → Cohere v2 chat fields. */
import type { AdapterCapabilities } from "../../provider.ts";
import type { FieldMap } from "../shared/field-map.ts";

export const COHERE_FIELDS: FieldMap = {
  maxTokens: "max_tokens",
  temperature: "temperature",
  topP: "p",
  topK: "k",
  stop: "stop_sequences",
  seed: "seed",
  frequencyPenalty: "frequency_penalty",
  presencePenalty: "presence_penalty",
};

/** Images need a vision model (Command A Vision); logprobs are dropped as a hint. */
export const COHERE_CAPABILITIES: AdapterCapabilities = {
  embeddings: true,
  tools: true,
  images: true,
  jsonSchema: true,
  streamUsage: true,
  n: false,
  logprobs: false,
  seed: true,
};
