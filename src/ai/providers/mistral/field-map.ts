/**
 * Mistral chat completions: unified field → request field. Differences from
 * OpenAI: max_tokens, random_seed, no user, no logprobs. safe_prompt is
 * never sent: guardrails are the gateway's job, and Mistral's default is off.
 */
import type { FieldMap } from "../shared/field-map.ts";

export const MISTRAL_FIELDS: FieldMap = {
  temperature: "temperature",
  topP: "top_p",
  maxTokens: "max_tokens",
  stop: "stop",
  seed: "random_seed",
  n: "n",
  presencePenalty: "presence_penalty",
  frequencyPenalty: "frequency_penalty",
  parallelToolCalls: "parallel_tool_calls",
  reasoningEffort: "reasoning_effort",
};
