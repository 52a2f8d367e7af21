/** Cohere finish reasons and usage → unified FinishReason and Usage. */
import type { FinishReason, Usage } from "../../types.ts";
import { num, obj } from "../shared/json.ts";

const FINISH: Record<string, FinishReason> = {
  COMPLETE: "stop",
  STOP_SEQUENCE: "stop",
  MAX_TOKENS: "length",
  TOOL_CALL: "tool_calls",
  ERROR: "error",
  TIMEOUT: "error",
};

export function finishReason(reason: string | undefined): FinishReason {
  return (reason !== undefined ? FINISH[reason] : undefined) ?? "stop";
}

/**
 * Cohere reports billed units (what is charged) and raw tokens (including
 * its own prompt template). Billed units are used, since usage drives cost;
 * raw tokens only when no billed units are given.
 */
export function cohereUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const billed = obj(u.billed_units);
  const tokens = obj(u.tokens);
  const input = num(billed?.input_tokens) ?? num(tokens?.input_tokens);
  const output = num(billed?.output_tokens) ?? num(tokens?.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: Usage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const cached = num(u.cached_tokens);
  if (cached !== undefined && cached > 0) usage.cachedInputTokens = cached;
  return usage;
}
