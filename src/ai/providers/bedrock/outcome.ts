/** Converse stop reasons and usage → unified FinishReason and Usage. */
import type { FinishReason, Usage } from "../../types.ts";
import { num, obj } from "../shared/json.ts";

const FINISH: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
  malformed_model_output: "error",
  malformed_tool_use: "error",
};

export function finishReason(stopReason: string | undefined): FinishReason {
  return (stopReason !== undefined ? FINISH[stopReason] : undefined) ?? "stop";
}

/**
 * Converse's inputTokens counts only uncached input (totalTokens adds the
 * cache reads and writes on top), while the unified inputTokens includes
 * them — so the three are added.
 */
export function bedrockUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const cacheRead = num(u.cacheReadInputTokens) ?? 0;
  const cacheWrite = num(u.cacheWriteInputTokens) ?? 0;
  const usage: Usage = { inputTokens: (num(u.inputTokens) ?? 0) + cacheRead + cacheWrite, outputTokens: num(u.outputTokens) ?? 0 };
  if (cacheRead > 0) usage.cachedInputTokens = cacheRead;
  if (cacheWrite > 0) usage.cacheWriteInputTokens = cacheWrite;
  return usage;
}
