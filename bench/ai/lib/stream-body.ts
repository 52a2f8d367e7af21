/**
 * The request body of a slow streaming chat: the simulator's latency marker
 * makes it wait `eventMs` before every stream event, and the user text is
 * long enough that the answer has the events to keep the stream open for
 * about `holdS` seconds.
 *
 * The simulator's Anthropic stream is message_start, content_block_start,
 * ping, one delta per three words of the answer, content_block_stop,
 * message_delta, message_stop; the answer is a seven-word prefix followed by
 * the user text (see src/mock/common/conversation.ts and chunks.ts).
 */

const FRAME_EVENTS = 6;
const PREFIX_WORDS = 7;
const WORDS_PER_EVENT = 3;

/** Filler words the user text needs so the answer streams for about holdS seconds. */
export function fillerWords(eventMs: number, holdS: number): number {
  const events = Math.ceil((holdS * 1000) / eventMs);
  const deltas = Math.max(1, events - FRAME_EVENTS);
  // The marker is one more word of the echoed user text.
  return Math.max(0, deltas * WORDS_PER_EVENT - PREFIX_WORDS - 1);
}

/** One body serves both client formats: OpenAI chat completions and Anthropic messages take these fields alike. */
export function streamBody(model: string, eventMs: number, holdS: number): string {
  const words = Array.from({ length: fillerWords(eventMs, holdS) }, (_, i) => `w${i}`);
  const text = [`[[mock:latency=0,per_event=${eventMs}]]`, ...words].join(" ");
  return JSON.stringify({ model, max_tokens: 4096, stream: true, messages: [{ role: "user", content: text }] });
}
