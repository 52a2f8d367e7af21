/**
 * Where streamed text may be cut so that what is released can never be part
 * of a match completed by text still to come. A match either lies within
 * one word (held whole while the word may still grow) or spans whitespace
 * over at most `reach` characters; so text is released only up to a word
 * boundary at least `reach` characters before the end, and never from
 * inside a match that was found (a match may also still grow at the end).
 */

/**
 * A word (or a match) running on past this many characters is released
 * anyway, masked as far as it was matched, so one endless token can neither
 * stall a stream nor make every chunk rescan an ever longer buffer.
 */
export const MAX_HELD_WORD = 4096;

export interface Span {
  start: number;
  end: number;
}

/** The number of leading characters of `text` that are safe to release; `spans` are the matches found in `text`, in order. */
export function releasePoint(text: string, reach: number, spans: readonly Span[]): number {
  const limit = text.length - reach;
  if (limit <= 0) return 0;
  const overlong = limit > MAX_HELD_WORD;
  let cut = limit;
  while (cut > 0 && !isSpace(text.charCodeAt(cut - 1))) cut--;
  if (cut === 0 && overlong) cut = limit;
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i]!;
    if (s.start < cut && (s.end > cut || s.end === text.length)) cut = overlong ? s.end : s.start;
  }
  return cut;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0xa0 || c === 0x3000;
}
