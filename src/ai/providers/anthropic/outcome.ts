/** Anthropic stop reasons and usage → unified FinishReason and Usage. */
import type { FinishReason, Usage } from "../../types.ts";
import { num, obj } from "../shared/json.ts";

const FINISH: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  // A server-tool loop paused; the turn is over as far as the client is concerned.
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

export function finishReason(stopReason: string | undefined): FinishReason {
  return (stopReason !== undefined ? FINISH[stopReason] : undefined) ?? "stop";
}

/**
 * Anthropic's input_tokens excludes cache reads and writes; the unified
 * inputTokens includes them, so all three are added.
 */
export function anthropicUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const input = num(u.input_tokens) ?? 0;
  const cacheRead = num(u.cache_read_input_tokens) ?? 0;
  const cacheWrite = num(u.cache_creation_input_tokens) ?? 0;
  const usage: Usage = { inputTokens: input + cacheRead + cacheWrite, outputTokens: num(u.output_tokens) ?? 0 };
  if (cacheRead > 0) usage.cachedInputTokens = cacheRead;
  if (cacheWrite > 0) usage.cacheWriteInputTokens = cacheWrite;
  return usage;
}
