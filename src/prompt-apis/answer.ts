/** What a prompt API answers: `{output, usage, model}`, as one JSON body or as the final `done` event of a stream. */
import type { Usage } from "../ai/types.ts";

export interface PromptAnswer {
  /** The model's text, or with an output schema the parsed JSON value. */
  output: unknown;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
  /** The prompt API's model: a virtual model or `provider/model`. */
  model: string;
}

export function promptAnswer(output: unknown, usage: Usage, model: string): PromptAnswer {
  return {
    output,
    usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
    model,
  };
}

/** Two answers of one call (the first try and its repair) count together. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0),
    reasoningTokens: (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0),
    ...(a.estimated === true || b.estimated === true ? { estimated: true } : {}),
  };
}
