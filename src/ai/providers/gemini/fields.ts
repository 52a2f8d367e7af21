/** Unified ChatRequest fields → Gemini generateContent fields (Gemini API and Vertex AI alike). */
import type { AdapterCapabilities } from "../../provider.ts";
import type { FieldMap } from "../shared/field-map.ts";

export const GEMINI_FIELDS: FieldMap = {
  temperature: "generationConfig.temperature",
  topP: "generationConfig.topP",
  topK: "generationConfig.topK",
  maxTokens: "generationConfig.maxOutputTokens",
  stop: "generationConfig.stopSequences",
  seed: "generationConfig.seed",
  n: "generationConfig.candidateCount",
  presencePenalty: "generationConfig.presencePenalty",
  frequencyPenalty: "generationConfig.frequencyPenalty",
};

/** Logprobs are dropped (a hint); reasoning effort is not mapped because thinking budgets differ per model generation. */
export const GEMINI_CAPABILITIES: AdapterCapabilities = {
  embeddings: true,
  tools: true,
  images: true,
  jsonSchema: true,
  streamUsage: true,
  n: true,
  logprobs: false,
  seed: true,
};
