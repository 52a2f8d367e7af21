/**
 * Watches the raw bytes of one HTTP/1.1 streaming chat response for two
 * moments: its first Server-Sent Events `data:` line, and its first token,
 * the first `data:` line that carries generated output. They differ: an
 * Anthropic stream sends message_start, content_block_start and ping before
 * its first content_block_delta, and an OpenAI stream may open with a chunk
 * that carries only the role. Time to first token is what a user waits for,
 * so that is what gets compared across a gateway and the provider itself.
 *
 * It reads the status line and headers, undoes chunked framing when the
 * response uses it, splits the body into lines, and looks at `data:` lines
 * only until the first token; after that it ignores the bytes.
 */

/** Whether an SSE data payload carries generated output, in the OpenAI chat or Anthropic messages format. */
export function isTokenPayload(payload: string): boolean {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return false;
  }
  if (typeof v !== "object" || v === null) return false;
  const o = v as { type?: unknown; choices?: unknown };
  if (o.type === "content_block_delta") return true;
  if (!Array.isArray(o.choices)) return false;
  return o.choices.some((c: unknown) => {
    const delta = (c as { delta?: { content?: unknown; tool_calls?: unknown } } | null)?.delta;
    return (typeof delta?.content === "string" && delta.content !== "") || (Array.isArray(delta?.tool_calls) && delta.tool_calls.length > 0);
  });
}

export interface WatchEvents {
  firstData: boolean;
  firstToken: boolean;
}

const NONE: WatchEvents = { firstData: false, firstToken: false };

type Body = { kind: "raw" } | { kind: "size"; line: string } | { kind: "data"; remaining: number } | { kind: "data-end"; seen: number } | { kind: "end" };

export class FirstTokenWatcher {
  /** The response status once the head has arrived; 0 before. */
  status = 0;
  dataSeen = false;
  tokenSeen = false;
  private head = "";
  private headDone = false;
  private body: Body = { kind: "raw" };
  private line = "";

  /** Feeds bytes; says which of the two moments happened in them. */
  push(chunk: Uint8Array): WatchEvents {
    if (this.tokenSeen) return NONE;
    let text = latin1(chunk);
    if (!this.headDone) {
      this.head += text;
      const end = this.head.indexOf("\r\n\r\n");
      if (end < 0) return NONE;
      text = this.head.slice(end + 4);
      this.readHead(this.head.slice(0, end));
      this.head = "";
      this.headDone = true;
    }
    const hadData = this.dataSeen;
    this.feedBody(text);
    return { firstData: this.dataSeen && !hadData, firstToken: this.tokenSeen };
  }

  private readHead(head: string): void {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    this.status = m ? Number(m[1]) : 0;
    if (/^transfer-encoding:[ \t]*chunked[ \t]*$/im.test(head)) this.body = { kind: "size", line: "" };
  }

  /** Undoes chunked framing (chunk extensions and trailers are not expected from these servers). */
  private feedBody(text: string): void {
    let i = 0;
    while (i < text.length && !this.tokenSeen) {
      const b = this.body;
      if (b.kind === "raw") {
        this.feedLines(text.slice(i));
        return;
      }
      if (b.kind === "end") return;
      if (b.kind === "size") {
        const nl = text.indexOf("\n", i);
        if (nl < 0) {
          b.line += text.slice(i);
          return;
        }
        const size = Number.parseInt((b.line + text.slice(i, nl)).trim().split(";")[0] ?? "", 16);
        i = nl + 1;
        this.body = Number.isNaN(size) || size === 0 ? { kind: "end" } : { kind: "data", remaining: size };
      } else if (b.kind === "data") {
        const take = Math.min(b.remaining, text.length - i);
        this.feedLines(text.slice(i, i + take));
        i += take;
        b.remaining -= take;
        if (b.remaining === 0) this.body = { kind: "data-end", seen: 0 };
      } else {
        // The CRLF after a chunk's data.
        const take = Math.min(2 - b.seen, text.length - i);
        i += take;
        b.seen += take;
        if (b.seen === 2) this.body = { kind: "size", line: "" };
      }
    }
  }

  private feedLines(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) {
        this.line += text.slice(start);
        return;
      }
      const line = (this.line + text.slice(start, nl)).replace(/\r$/, "");
      this.line = "";
      start = nl + 1;
      if (this.onLine(line)) return;
    }
  }

  /** True once the first token is found: the rest of the body is of no interest. */
  private onLine(line: string): boolean {
    if (!line.startsWith("data:")) return false;
    this.dataSeen = true;
    if (isTokenPayload(utf8(line.slice(5).trim()))) this.tokenSeen = true;
    return this.tokenSeen;
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** Lines were split as Latin-1 so no multi-byte character breaks a search; JSON needs the real text. */
function utf8(s: string): string {
  return Buffer.from(s, "latin1").toString("utf8");
}
