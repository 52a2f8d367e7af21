/** Gemini finish reasons and usageMetadata → unified FinishReason and Usage. */
import type { FinishReason, Usage } from "../../types.ts";
import { num, obj } from "../shared/json.ts";

const FINISH: Record<string, FinishReason> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
  IMAGE_PROHIBITED_CONTENT: "content_filter",
  IMAGE_RECITATION: "content_filter",
  LANGUAGE: "error",
  MALFORMED_FUNCTION_CALL: "error",
  UNEXPECTED_TOOL_CALL: "error",
  TOO_MANY_TOOL_CALLS: "error",
};

/** Gemini says STOP after function calls too; a turn that called functions finishes with tool_calls. */
export function finishReason(reason: string | undefined, calledTools: boolean): FinishReason {
  const mapped = (reason !== undefined ? FINISH[reason] : undefined) ?? "stop";
  return mapped === "stop" && calledTools ? "tool_calls" : mapped;
}

/**
 * promptTokenCount already includes cached content; thoughtsTokenCount is
 * NOT part of candidatesTokenCount, while the unified outputTokens includes
 * reasoning, so the two are added. Tool-use prompt tokens (e.g. search
 * results fed back to the model) are billed as input.
 */
export function geminiUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const thoughts = num(u.thoughtsTokenCount) ?? 0;
  const cached = num(u.cachedContentTokenCount) ?? 0;
  const usage: Usage = {
    inputTokens: (num(u.promptTokenCount) ?? 0) + (num(u.toolUsePromptTokenCount) ?? 0),
    outputTokens: (num(u.candidatesTokenCount) ?? 0) + thoughts,
  };
  if (cached > 0) usage.cachedInputTokens = cached;
  if (thoughts > 0) usage.reasoningTokens = thoughts;
  return usage;
}

/** A prompt Gemini refused to answer at all: `promptFeedback.blockReason` with no candidates. */
export function blockReason(root: Record<string, unknown>): string | undefined {
  const reason = obj(root.promptFeedback)?.blockReason;
  return typeof reason === "string" ? reason : undefined;
}
