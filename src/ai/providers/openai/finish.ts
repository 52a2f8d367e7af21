/** Finish reasons of OpenAI and OpenAI-shaped providers → unified FinishReason. */
import type { FinishReason } from "../../types.ts";

const FINISH: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  model_length: "length", // Mistral
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
  error: "error",
};

export function openAiFinishReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  const mapped = raw === undefined ? undefined : FINISH[raw];
  if (mapped !== undefined) return mapped;
  return hasToolCalls ? "tool_calls" : "stop";
}
