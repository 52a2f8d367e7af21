/**
 * A Cohere v2 chat answer, as the JSON response and as the stream events
 * (message-start, content-start/delta/end for text; tool-plan-delta and
 * tool-call-start/delta/end for tools; message-end with finish_reason and
 * usage.billed_units/tokens).
 */
import { sseEvent } from "../../../ai/sse/writer.ts";
import { argumentPieces, textPieces } from "../../common/chunks.ts";
import type { ConversationSummary } from "../../common/conversation.ts";
import { randomAlnum } from "../../common/ids.ts";
import { limitReply, type MockReply, planReply } from "../../common/reply.ts";
import { type MockUsage, mockUsage } from "../../common/tokens.ts";

export interface CohereAnswer {
  id: string;
  reply: MockReply;
  toolPlan: string;
  toolCallIds: string[];
  finish: "COMPLETE" | "MAX_TOKENS" | "TOOL_CALL";
  usage: MockUsage;
}

export function cohereAnswer(s: ConversationSummary, maxTokens: number | undefined): CohereAnswer {
  const { reply, truncated } = limitReply(planReply(s), maxTokens);
  const calls = reply.kind === "tool_calls" ? reply.calls : [];
  return {
    id: crypto.randomUUID(),
    reply,
    toolPlan: calls.length > 0 ? `I will call ${calls.map((c) => c.name).join(" and ")}.` : "",
    toolCallIds: calls.map((c) => `${c.name}_${randomAlnum(12).toLowerCase()}`),
    finish: truncated ? "MAX_TOKENS" : reply.kind === "tool_calls" ? "TOOL_CALL" : "COMPLETE",
    usage: mockUsage(s, reply),
  };
}

function usageJson(u: MockUsage): Record<string, unknown> {
  return {
    billed_units: { input_tokens: u.input, output_tokens: u.output },
    tokens: { input_tokens: u.input, output_tokens: u.output },
    cached_tokens: 0,
  };
}

export function cohereChatBody(a: CohereAnswer): Record<string, unknown> {
  const message: Record<string, unknown> = { role: "assistant" };
  if (a.reply.kind === "text") message.content = [{ type: "text", text: a.reply.text }];
  else {
    message.tool_plan = a.toolPlan;
    message.tool_calls = a.reply.calls.map((c, i) => ({ id: a.toolCallIds[i] ?? "", type: "function", function: { name: c.name, arguments: c.arguments } }));
  }
  return { id: a.id, message, finish_reason: a.finish, usage: usageJson(a.usage) };
}

export function cohereChatEvents(a: CohereAnswer): string[] {
  const events: string[] = [];
  const emit = (type: string, fields: Record<string, unknown>) => events.push(sseEvent(JSON.stringify({ type, ...fields }), type));
  emit("message-start", { id: a.id, delta: { message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] } } });
  if (a.reply.kind === "text") {
    emit("content-start", { index: 0, delta: { message: { content: { type: "text", text: "" } } } });
    if (a.reply.text !== "") for (const text of textPieces(a.reply.text)) emit("content-delta", { index: 0, delta: { message: { content: { text } } } });
    emit("content-end", { index: 0 });
  } else {
    for (const tool_plan of textPieces(a.toolPlan)) emit("tool-plan-delta", { delta: { message: { tool_plan } } });
    a.reply.calls.forEach((c, index) => {
      const call = { id: a.toolCallIds[index] ?? "", type: "function", function: { name: c.name, arguments: "" } };
      emit("tool-call-start", { index, delta: { message: { tool_calls: call } } });
      for (const piece of argumentPieces(c.arguments)) emit("tool-call-delta", { index, delta: { message: { tool_calls: { function: { arguments: piece } } } } });
      emit("tool-call-end", { index });
    });
  }
  emit("message-end", { delta: { finish_reason: a.finish, usage: usageJson(a.usage) } });
  return events;
}
