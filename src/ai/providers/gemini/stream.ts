/**
 * Gemini `streamGenerateContent?alt=sse` → unified events. Every SSE event
 * is a whole GenerateContentResponse holding the next piece of each
 * candidate: text parts are deltas, functionCall parts arrive complete (so
 * each becomes tool_call_start plus one tool_call_delta with all the
 * arguments), and a candidate's last chunk carries its finishReason.
 * usageMetadata is repeated and grows, so the last one seen is reported
 * when the body ends. A stream is complete when every candidate it
 * mentioned has finished (or the prompt was blocked).
 */
import type { DecodedStreamItem, StreamDecoder } from "../../provider.ts";
import type { SseEvent } from "../../sse/parser.ts";
import type { ChatRequest, Usage } from "../../types.ts";
import { resetError } from "../shared/error-kind.ts";
import { sseDecoder, type SseMachine } from "../shared/sse-decoder.ts";
import { generateId } from "../shared/ids.ts";
import { arr, num, obj, parseJson, str, type JsonObject } from "../shared/json.ts";
import { candidateParts } from "./candidate.ts";
import { geminiStreamError } from "./errors.ts";
import { blockReason, finishReason, geminiUsage } from "./outcome.ts";

interface CandidateState {
  tools: number;
  finished: boolean;
}

type Phase = "before_start" | "streaming" | "done";

export function geminiStream(req: ChatRequest): StreamDecoder {
  return sseDecoder(new GeminiStreamMachine(req.model));
}

class GeminiStreamMachine implements SseMachine {
  private phase: Phase = "before_start";
  private readonly candidates = new Map<number, CandidateState>();
  private blocked = false;
  private usage: Usage | undefined;

  constructor(private readonly model: string) {}

  get closed(): boolean {
    return this.phase === "done";
  }

  onEvent(ev: SseEvent): DecodedStreamItem[] {
    const out: DecodedStreamItem[] = [];
    const chunk = obj(parseJson(ev.data));
    if (chunk) this.onChunk(chunk, out);
    return out;
  }

  onEnd(): DecodedStreamItem[] {
    const out: DecodedStreamItem[] = [];
    if (this.phase === "done") return out;
    this.phase = "done";
    if (this.usage) out.push({ type: "usage", usage: this.usage });
    const complete = this.blocked || (this.candidates.size > 0 && [...this.candidates.values()].every((c) => c.finished));
    if (!complete) out.push({ type: "error", error: resetError("gemini stream ended before its finishReason") });
    return out;
  }

  private onChunk(chunk: JsonObject, out: DecodedStreamItem[]): void {
    if (chunk.error !== undefined) {
      this.phase = "done";
      out.push({ type: "error", error: geminiStreamError(chunk.error) });
      return;
    }
    if (this.phase === "before_start") {
      this.phase = "streaming";
      out.push({
        type: "start",
        id: str(chunk.responseId) ?? generateId("chatcmpl-"),
        model: str(chunk.modelVersion) ?? this.model,
        created: Math.floor(Date.now() / 1000),
      });
    }
    this.usage = geminiUsage(chunk.usageMetadata) ?? this.usage;
    const candidates = arr(chunk.candidates);
    candidates.forEach((item, i) => {
      const cand = obj(item);
      if (cand) this.onCandidate(num(cand.index) ?? i, cand, out);
    });
    if (candidates.length === 0 && blockReason(chunk) !== undefined && !this.blocked) {
      this.blocked = true;
      out.push({ type: "finish", choice: 0, reason: "content_filter" });
    }
  }

  private onCandidate(choice: number, cand: JsonObject, out: DecodedStreamItem[]): void {
    let state = this.candidates.get(choice);
    if (!state) {
      state = { tools: 0, finished: false };
      this.candidates.set(choice, state);
    }
    if (state.finished) return;
    const { text, calls } = candidateParts(cand);
    for (const t of text) if (t !== "") out.push({ type: "text", choice, text: t });
    for (const call of calls) {
      const tool = state.tools++;
      out.push({ type: "tool_call_start", choice, tool, id: call.id, name: call.name });
      out.push({ type: "tool_call_delta", choice, tool, arguments: call.arguments });
    }
    const reason = str(cand.finishReason);
    if (reason !== undefined && reason !== "FINISH_REASON_UNSPECIFIED") {
      state.finished = true;
      out.push({ type: "finish", choice, reason: finishReason(reason, state.tools > 0) });
    }
  }
}
