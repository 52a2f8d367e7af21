/**
 * The simulated Converse answer, decided once and rendered as the Converse
 * JSON body or as ConverseStream event frames. As Bedrock does, text blocks
 * start with their first delta (no contentBlockStart); tool-use blocks
 * announce id and name in contentBlockStart, then stream input JSON text.
 */
import { argumentPieces, textPieces } from "../../common/chunks.ts";
import { prefixedId } from "../../common/ids.ts";
import { planReply } from "../../common/reply.ts";
import { countInputTokens, countTextTokens, mockUsage } from "../../common/tokens.ts";
import { applyTextLimits } from "../limits/text.ts";
import { encodeEventFrame } from "./eventstream.ts";
import type { ConverseRequest } from "./summary.ts";

type Block = { kind: "text"; text: string } | { kind: "toolUse"; id: string; name: string; json: string };

export type ConverseStopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "content_filtered";

export interface ConverseAnswer {
  blocks: Block[];
  stopReason: ConverseStopReason;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

export function converseAnswer(r: ConverseRequest, filtered: boolean, latencyMs: number): ConverseAnswer {
  const s = r.summary;
  const base = { inputTokens: countInputTokens(s), latencyMs };
  if (filtered) return { ...base, blocks: [], stopReason: "content_filtered", outputTokens: 0 };
  const reply = planReply(s);
  if (reply.kind === "tool_calls") {
    const blocks: Block[] = reply.calls.map((c) => ({ kind: "toolUse", id: prefixedId("tooluse_", 22), name: c.name, json: c.arguments }));
    return { ...base, blocks, stopReason: "tool_use", outputTokens: mockUsage(s, reply).output };
  }
  const limited = applyTextLimits(reply.text, r.maxTokens, r.stopSequences);
  const stopReason: ConverseStopReason = limited.stop === "end" ? "end_turn" : limited.stop;
  return { ...base, blocks: [{ kind: "text", text: limited.text }], stopReason, outputTokens: countTextTokens(limited.text) };
}

function usage(a: ConverseAnswer): Record<string, number> {
  return {
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    totalTokens: a.inputTokens + a.outputTokens,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
  };
}

export function converseBody(a: ConverseAnswer): Record<string, unknown> {
  const content = a.blocks.map((b) => (b.kind === "text" ? { text: b.text } : { toolUse: { toolUseId: b.id, name: b.name, input: JSON.parse(b.json) as unknown } }));
  return {
    output: { message: { role: "assistant", content } },
    stopReason: a.stopReason,
    usage: usage(a),
    metrics: { latencyMs: a.latencyMs },
  };
}

export function converseFrames(a: ConverseAnswer): Uint8Array[] {
  const frames = [encodeEventFrame("messageStart", { role: "assistant" })];
  a.blocks.forEach((b, contentBlockIndex) => {
    if (b.kind === "text") {
      for (const text of b.text === "" ? [] : textPieces(b.text)) frames.push(encodeEventFrame("contentBlockDelta", { contentBlockIndex, delta: { text } }));
    } else {
      frames.push(encodeEventFrame("contentBlockStart", { contentBlockIndex, start: { toolUse: { toolUseId: b.id, name: b.name } } }));
      for (const input of argumentPieces(b.json)) frames.push(encodeEventFrame("contentBlockDelta", { contentBlockIndex, delta: { toolUse: { input } } }));
    }
    frames.push(encodeEventFrame("contentBlockStop", { contentBlockIndex }));
  });
  frames.push(encodeEventFrame("messageStop", { stopReason: a.stopReason }));
  frames.push(encodeEventFrame("metadata", { usage: usage(a), metrics: { latencyMs: a.latencyMs } }));
  return frames;
}
