/**
 * A chat stream filter that holds answer text back until a scanner has seen
 * enough of it. Text, refusal text and each tool call's argument text are
 * held per choice in their own buffers; the scanner decides how much of a
 * buffer may go out (see hold-back.ts), may rewrite what goes out
 * (masking) or refuse the answer (guardrails). A choice's buffers are
 * released in full when it finishes or the stream ends, and before another
 * part of the same choice goes out, so the client sees the parts in order.
 */
import type { ChatStreamEvent } from "../../ai/types.ts";
import { WaygateError } from "../../core/errors.ts";
import type { ChatStreamFilter } from "../policy.ts";

export interface HeldTextScanner {
  /**
   * How many leading characters of `text` may go out now (all of them when
   * `final`), and what to send for them; or a WaygateError ending the stream.
   * `json`: the text is tool-call arguments (JSON).
   */
  release(text: string, final: boolean, json: boolean): { cut: number; out: string } | WaygateError;
  /**
   * Token log-probabilities repeat the text: `drop` them (when the text may
   * be rewritten) or `hold` them until their choice's text has gone out.
   */
  readonly logprobs: "drop" | "hold";
}

type Part = { kind: "text" } | { kind: "refusal" } | { kind: "tool"; tool: number };

interface Held {
  choice: number;
  part: Part;
  text: string;
}

function eventOf(h: Held, text: string): ChatStreamEvent {
  switch (h.part.kind) {
    case "text":
      return { type: "text", choice: h.choice, text };
    case "refusal":
      return { type: "refusal", choice: h.choice, text };
    case "tool":
      return { type: "tool_call_delta", choice: h.choice, tool: h.part.tool, arguments: text };
  }
}

export function heldTextFilter(scanner: HeldTextScanner): ChatStreamFilter {
  const held = new Map<string, Held>();
  const logprobs: ChatStreamEvent[] = [];

  const release = (h: Held, final: boolean, out: ChatStreamEvent[]): WaygateError | undefined => {
    if (h.text.length === 0) return undefined;
    const r = scanner.release(h.text, final, h.part.kind === "tool");
    if (r instanceof WaygateError) return r;
    if (r.cut === 0) return undefined;
    h.text = h.text.slice(r.cut);
    if (r.out.length > 0) out.push(eventOf(h, r.out));
    return undefined;
  };

  /** Releases everything held for `choice` (every choice when undefined) except the part `keep`. */
  const releaseChoice = (choice: number | undefined, out: ChatStreamEvent[], keep?: string): WaygateError | undefined => {
    for (const [key, h] of held) {
      if (key === keep || (choice !== undefined && h.choice !== choice)) continue;
      const refused = release(h, true, out);
      if (refused) return refused;
      held.delete(key);
    }
    if (keep !== undefined) return undefined;
    for (let i = 0; i < logprobs.length; ) {
      const ev = logprobs[i]!;
      if (choice === undefined || (ev.type === "logprobs" && ev.choice === choice)) {
        out.push(ev);
        logprobs.splice(i, 1);
      } else i++;
    }
    return undefined;
  };

  const append = (choice: number, part: Part, text: string): ChatStreamEvent[] | WaygateError => {
    const key = part.kind === "tool" ? `${choice}:tool:${part.tool}` : `${choice}:${part.kind}`;
    const out: ChatStreamEvent[] = [];
    const refused = releaseChoice(choice, out, key);
    if (refused) return refused;
    let h = held.get(key);
    if (!h) {
      h = { choice, part, text: "" };
      held.set(key, h);
    }
    h.text += text;
    return release(h, false, out) ?? out;
  };

  const after = (choice: number | undefined, ev: ChatStreamEvent): ChatStreamEvent[] | WaygateError => {
    const out: ChatStreamEvent[] = [];
    const refused = releaseChoice(choice, out);
    if (refused) return refused;
    out.push(ev);
    return out;
  };

  return {
    push(ev) {
      switch (ev.type) {
        case "text":
          return append(ev.choice, { kind: "text" }, ev.text);
        case "refusal":
          return append(ev.choice, { kind: "refusal" }, ev.text);
        case "tool_call_delta":
          return append(ev.choice, { kind: "tool", tool: ev.tool }, ev.arguments);
        case "tool_call_start":
        case "finish":
          return after(ev.choice, ev);
        case "logprobs":
          if (scanner.logprobs === "hold") logprobs.push(ev);
          return [];
        case "usage":
          return after(undefined, ev);
        case "start":
          return [ev];
      }
    },
    flush() {
      const out: ChatStreamEvent[] = [];
      return releaseChoice(undefined, out) ?? out;
    },
  };
}
