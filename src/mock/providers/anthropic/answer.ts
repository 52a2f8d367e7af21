/**
 * The simulated Claude answer, decided once and rendered either as a
 * Message object or as the Messages streaming events (message_start,
 * content_block_start, ping, content_block_delta, content_block_stop,
 * message_delta, message_stop).
 */
import { sseEvent } from "../../../ai/sse/writer.ts";
import { argumentPieces, textPieces } from "../../common/chunks.ts";
import { prefixedId } from "../../common/ids.ts";
import { planReply } from "../../common/reply.ts";
import { countInputTokens, countTextTokens, mockUsage } from "../../common/tokens.ts";
import { applyTextLimits } from "../limits/text.ts";
import type { AnthropicRequest } from "./summary.ts";

type Block = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; json: string };

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export interface AnthropicAnswer {
  id: string;
  model: string;
  blocks: Block[];
  stopReason: AnthropicStopReason;
  stopSequence: string | null;
  inputTokens: number;
  outputTokens: number;
}

export function anthropicAnswer(r: AnthropicRequest, filtered: boolean): AnthropicAnswer {
  const s = r.summary;
  const base = { id: prefixedId("msg_01", 22), model: s.model, inputTokens: countInputTokens(s) };
  if (filtered) return { ...base, blocks: [], stopReason: "refusal", stopSequence: null, outputTokens: 0 };
  const reply = planReply(s);
  if (reply.kind === "tool_calls") {
    const blocks: Block[] = reply.calls.map((c) => ({ type: "tool_use", id: prefixedId("toolu_01", 22), name: c.name, json: c.arguments }));
    return { ...base, blocks, stopReason: "tool_use", stopSequence: null, outputTokens: mockUsage(s, reply).output };
  }
  const limited = applyTextLimits(reply.text, r.maxTokens, r.stopSequences);
  const stopReason: AnthropicStopReason = limited.stop === "end" ? "end_turn" : limited.stop;
  return {
    ...base,
    blocks: [{ type: "text", text: limited.text }],
    stopReason,
    stopSequence: limited.stop === "stop_sequence" ? limited.sequence : null,
    outputTokens: countTextTokens(limited.text),
  };
}

const REFUSAL_DETAILS = { type: "refusal", category: null, explanation: "The simulated content filter declined this request." };

function usage(a: AnthropicAnswer, output: number): Record<string, unknown> {
  return {
    input_tokens: a.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: output,
    service_tier: "standard",
  };
}

function blockJson(b: Block): Record<string, unknown> {
  return b.type === "text" ? { type: "text", text: b.text } : { type: "tool_use", id: b.id, name: b.name, input: JSON.parse(b.json) as unknown };
}

export function messageBody(a: AnthropicAnswer): Record<string, unknown> {
  return {
    id: a.id,
    type: "message",
    role: "assistant",
    model: a.model,
    content: a.blocks.map(blockJson),
    stop_reason: a.stopReason,
    stop_sequence: a.stopSequence,
    ...(a.stopReason === "refusal" ? { stop_details: REFUSAL_DETAILS } : {}),
    usage: usage(a, a.outputTokens),
  };
}

function event(type: string, data: Record<string, unknown>): string {
  return sseEvent(JSON.stringify({ type, ...data }), type);
}

export function messageEvents(a: AnthropicAnswer): string[] {
  const events = [
    event("message_start", {
      message: { id: a.id, type: "message", role: "assistant", model: a.model, content: [], stop_reason: null, stop_sequence: null, usage: usage(a, 1) },
    }),
  ];
  a.blocks.forEach((b, index) => {
    const start = b.type === "text" ? { type: "text", text: "" } : { type: "tool_use", id: b.id, name: b.name, input: {} };
    events.push(event("content_block_start", { index, content_block: start }));
    if (index === 0) events.push(event("ping", {}));
    const deltas =
      b.type === "text"
        ? (b.text === "" ? [] : textPieces(b.text)).map((text) => ({ type: "text_delta", text }))
        : ["", ...argumentPieces(b.json)].map((partial_json) => ({ type: "input_json_delta", partial_json }));
    for (const delta of deltas) events.push(event("content_block_delta", { index, delta }));
    events.push(event("content_block_stop", { index }));
  });
  events.push(
    event("message_delta", {
      delta: { stop_reason: a.stopReason, stop_sequence: a.stopSequence, ...(a.stopReason === "refusal" ? { stop_details: REFUSAL_DETAILS } : {}) },
      usage: { output_tokens: a.outputTokens },
    }),
  );
  events.push(event("message_stop", {}));
  return events;
}

/** The error event Anthropic sends inside an already-started stream. */
export function overloadedEvent(): string {
  return event("error", { error: { type: "overloaded_error", message: "Overloaded" } });
}
