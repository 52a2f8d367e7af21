/** Unified ChatResponse → an Anthropic `message` object. */
import type { ChatResponse, FinishReason, ToolCall, Usage } from "../../types.ts";
import { withPrefix } from "../shared/ids.ts";

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export function anthropicStopReason(r: FinishReason): AnthropicStopReason {
  switch (r) {
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
    case "stop":
    case "error":
      return "end_turn";
  }
}

export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

/** Anthropic's input_tokens excludes cache reads and writes, which unified inputTokens include. */
export function anthropicUsage(u: Usage): AnthropicUsage {
  const read = u.cachedInputTokens ?? 0;
  const write = u.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, u.inputTokens - read - write),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: u.outputTokens,
  };
}

/**
 * Anthropic gives tool input as an object. Arguments that are not a JSON
 * object (a truncated stream, a model's malformed output) become `{}`
 * rather than failing the whole answer.
 */
export function toolInput(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const v: unknown = JSON.parse(args);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function toolUseBlock(call: ToolCall): Record<string, unknown> {
  return { type: "tool_use", id: call.id, name: call.name, input: toolInput(call.arguments) };
}

export function messageId(id: string): string {
  return withPrefix("msg_", id);
}

export function renderAnthropicMessage(res: ChatResponse, model: string): Record<string, unknown> {
  const choice = res.choices.find((c) => c.index === 0) ?? res.choices[0];
  const content: Array<Record<string, unknown>> = [];
  if (choice?.message.content) content.push({ type: "text", text: choice.message.content });
  // Anthropic has no refusal field: a refusal is the text of the answer.
  if (choice?.message.refusal) content.push({ type: "text", text: choice.message.refusal });
  for (const call of choice?.message.toolCalls ?? []) content.push(toolUseBlock(call));
  return {
    id: messageId(res.id),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: choice ? anthropicStopReason(choice.finishReason) : "end_turn",
    stop_sequence: null,
    usage: anthropicUsage(res.usage ?? { inputTokens: 0, outputTokens: 0 }),
  };
}
