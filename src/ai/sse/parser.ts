/**
 * Incremental server-sent events parser following the WHATWG HTML
 * "event stream interpretation" rules, so provider decoders and client
 * dialects see exactly what a browser's EventSource would see, however the
 * network splits the bytes (inside a line, inside a CRLF pair, inside a
 * multi-byte UTF-8 character).
 *
 * Cost is linear in the input: each chunk is scanned once, partial lines
 * and multi-line data are kept as pieces and joined once per line/event.
 */

export interface SseEvent {
  /** The `event:` field; absent when the event has the default type ("message"). */
  event?: string;
  data: string;
  /** The last event ID in effect when the event was dispatched (it persists across events, as the spec says). */
  id?: string;
  /** A `retry:` value received since the previous dispatch. */
  retry?: number;
}

export interface SseParserOptions {
  /**
   * The spec discards an event not terminated by a blank line when the
   * stream ends. Some servers omit the final blank line; set this to
   * dispatch such a trailing event from end() instead.
   */
  dispatchIncompleteAtEnd?: boolean;
}

const LF = 10;
const CR = 13;

export class SseParser {
  private readonly decoder = new TextDecoder("utf-8");
  private readonly dispatchAtEnd: boolean;
  private started = false;
  /** The previous chunk ended with CR: an LF at the start of the next one belongs to it. */
  private pendingCR = false;
  private partialLine: string[] = [];
  private data: string[] = [];
  private eventType = "";
  private lastEventId = "";
  private retry: number | undefined;
  private out: SseEvent[] = [];

  constructor(opts: SseParserOptions = {}) {
    this.dispatchAtEnd = opts.dispatchIncompleteAtEnd ?? false;
  }

  /** Feeds the next piece of the stream; returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.started && text.length > 0) {
      this.started = true;
      // TextDecoder already strips a leading BOM from bytes; strings need it done here.
      if (typeof chunk === "string" && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.scan(text);
    return this.take();
  }

  /** The stream ended: returns what the rest of the input completes. */
  end(): SseEvent[] {
    this.scan(this.decoder.decode());
    if (this.dispatchAtEnd) {
      if (this.partialLine.length > 0) this.line(this.joinPartial(""));
      this.dispatch();
    }
    this.partialLine = [];
    this.data = [];
    this.eventType = "";
    this.pendingCR = false;
    return this.take();
  }

  private take(): SseEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  private scan(text: string): void {
    const len = text.length;
    let i = 0;
    if (this.pendingCR && len > 0) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    while (i < len) {
      let j = i;
      let c = 0;
      while (j < len) {
        c = text.charCodeAt(j);
        if (c === LF || c === CR) break;
        j++;
      }
      if (j === len) {
        this.partialLine.push(text.slice(i));
        return;
      }
      this.line(this.joinPartial(text.slice(i, j)));
      if (c === CR) {
        if (j + 1 === len) this.pendingCR = true;
        else if (text.charCodeAt(j + 1) === LF) j++;
      }
      i = j + 1;
    }
  }

  private joinPartial(tail: string): string {
    if (this.partialLine.length === 0) return tail;
    this.partialLine.push(tail);
    const line = this.partialLine.join("");
    this.partialLine = [];
    return line;
  }

  private line(line: string): void {
    if (line.length === 0) return this.dispatch();
    const colon = line.indexOf(":");
    if (colon === 0) return; // comment
    let field = line;
    let value = "";
    if (colon > 0) {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 0x20 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    this.field(field, value);
  }

  private field(field: string, value: string): void {
    switch (field) {
      case "event":
        this.eventType = value;
        return;
      case "data":
        this.data.push(value);
        return;
      case "id":
        if (!value.includes("\u0000")) this.lastEventId = value;
        return;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.retry = Number.parseInt(value, 10);
        return;
      default:
        return; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    const type = this.eventType;
    this.eventType = "";
    if (this.data.length === 0) return;
    const event: SseEvent = { data: this.data.join("\n") };
    this.data = [];
    if (type !== "") event.event = type;
    if (this.lastEventId !== "") event.id = this.lastEventId;
    if (this.retry !== undefined) event.retry = this.retry;
    this.retry = undefined;
    this.out.push(event);
  }
}

/** Parses a complete SSE body at once (tests, recorded fixtures). */
export function parseSse(body: Uint8Array | string, opts?: SseParserOptions): SseEvent[] {
  const parser = new SseParser(opts);
  return [...parser.push(body), ...parser.end()];
}
