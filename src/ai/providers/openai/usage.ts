/** OpenAI `usage` → unified Usage (cached input and reasoning tokens included when reported). */
import type { Usage } from "../../types.ts";
import { num, obj } from "../shared/json.ts";

export function parseOpenAiUsage(value: unknown): Usage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const input = num(u.prompt_tokens);
  const output = num(u.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: Usage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const cached = num(obj(u.prompt_tokens_details)?.cached_tokens);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  const reasoning = num(obj(u.completion_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}
