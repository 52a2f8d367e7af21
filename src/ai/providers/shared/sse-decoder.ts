/**
 * Turns a per-event state machine into a StreamDecoder: bytes go through the
 * shared SSE parser, events go to the machine until it closes (terminal
 * event or in-stream error), and end() lets the machine say whether the
 * stream was complete.
 */
import type { DecodedStreamItem, StreamDecoder } from "../../provider.ts";
import { SseParser, type SseEvent } from "../../sse/parser.ts";

export interface SseMachine {
  /**
   * One SSE event. `atEnd` is true for an event the parser completed only
   * because the body ended (no closing blank line): it may be a cut one.
   */
  onEvent(ev: SseEvent, atEnd: boolean): DecodedStreamItem[];
  /** The body ended; what is left, ending with a reset error when the stream was cut. */
  onEnd(): DecodedStreamItem[];
  /** True after the terminal event or an error; later events are ignored. */
  readonly closed: boolean;
}

export function sseDecoder(machine: SseMachine): StreamDecoder {
  // Some servers omit the blank line after their last event.
  const parser = new SseParser({ dispatchIncompleteAtEnd: true });
  const feed = (events: SseEvent[], atEnd: boolean): DecodedStreamItem[] => {
    const out: DecodedStreamItem[] = [];
    for (const ev of events) {
      if (machine.closed) break;
      out.push(...machine.onEvent(ev, atEnd));
    }
    return out;
  };
  return {
    push: (chunk) => feed(parser.push(chunk), false),
    end: () => {
      const out = feed(parser.end(), true);
      out.push(...machine.onEnd());
      return out;
    },
  };
}
