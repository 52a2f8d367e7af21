/** OpenAI chat completions: unified field → request field. */
import type { FieldMap } from "../shared/field-map.ts";

export const OPENAI_FIELDS: FieldMap = {
  temperature: "temperature",
  topP: "top_p",
  // max_tokens is deprecated and rejected by reasoning models.
  maxTokens: "max_completion_tokens",
  stop: "stop",
  seed: "seed",
  n: "n",
  presencePenalty: "presence_penalty",
  frequencyPenalty: "frequency_penalty",
  logprobs: "logprobs",
  topLogprobs: "top_logprobs",
  user: "user",
  parallelToolCalls: "parallel_tool_calls",
  reasoningEffort: "reasoning_effort",
};
