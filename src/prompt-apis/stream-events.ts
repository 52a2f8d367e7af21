/**
 * A streamed prompt API answer as server-sent events:
 *
 *   event: delta   data: {"text": "…"}                      each piece of the model's text
 *   event: done    data: {"output": …, "usage": {…}, "model": "…"}   last event of a good answer
 *   event: error   data: {"error": {"code", "message", "details"?}}  last event of a failed one
 *
 * With an output schema the deltas are the JSON text as the model writes
 * it; `done` carries the parsed value once the whole text has passed the
 * schema. The verdict is set by `conclude` when the stream has ended,
 * before the closing event is written.
 */
import type { StreamEncoder } from "../ai/dialect.ts";
import type { ChatStreamEvent } from "../ai/types.ts";
import type { FieldIssue } from "../core/errors.ts";
import type { PromptAnswer } from "./answer.ts";

export type StreamVerdict = { ok: true; answer: PromptAnswer } | { ok: false; code: string; message: string; details: FieldIssue[] };

export class PromptStreamEncoder implements StreamEncoder {
  private text = "";
  private verdict: StreamVerdict | undefined;

  /** The model's text so far. */
  get output(): string {
    return this.text;
  }

  conclude(verdict: StreamVerdict): void {
    this.verdict = verdict;
  }

  event(ev: ChatStreamEvent): string {
    if ((ev.type !== "text" && ev.type !== "refusal") || ev.choice !== 0 || ev.text === "") return "";
    this.text += ev.text;
    return sse("delta", { text: ev.text });
  }

  done(): string {
    const v = this.verdict;
    if (!v) return this.error("internal_error", "the answer ended without a verdict");
    if (!v.ok) return sse("error", { error: { code: v.code, message: v.message, details: v.details } });
    return sse("done", v.answer);
  }

  error(code: string, message: string): string {
    return sse("error", { error: { code, message } });
  }
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
