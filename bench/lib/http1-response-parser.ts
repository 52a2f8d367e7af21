/**
 * Incremental HTTP/1.1 response parser for the load generator: splits a byte
 * stream into complete responses and reports each one's status. Bodies are
 * skipped, not kept. It handles Content-Length and chunked bodies, the two
 * framings a proxy answers with on a keep-alive connection; a response
 * without either cannot be delimited on such a connection and is an error.
 */

export class ResponseFramingError extends Error {}

const CRLF = 0x0d0a;

type State =
  | { kind: "head" }
  | { kind: "fixed"; remaining: number }
  | { kind: "chunk-size" }
  | { kind: "chunk-data"; remaining: number }
  | { kind: "trailers" };

export class Http1ResponseParser {
  private buf: Uint8Array = new Uint8Array(0);
  private state: State = { kind: "head" };
  private status = 0;

  /** Feeds bytes; returns the statuses of the responses completed by them, in order. */
  push(chunk: Uint8Array): number[] {
    this.buf = this.buf.length === 0 ? chunk : concat(this.buf, chunk);
    const done: number[] = [];
    let pos = 0;
    for (;;) {
      const s = this.state;
      if (s.kind === "head") {
        const end = indexOfDoubleCrlf(this.buf, pos);
        if (end < 0) break;
        const head = new TextDecoder().decode(this.buf.subarray(pos, end));
        pos = end + 4;
        this.startBody(head);
        if (this.state.kind === "head") done.push(this.status);
      } else if (s.kind === "fixed") {
        const take = Math.min(s.remaining, this.buf.length - pos);
        pos += take;
        s.remaining -= take;
        if (s.remaining > 0) break;
        done.push(this.status);
        this.state = { kind: "head" };
      } else if (s.kind === "chunk-size") {
        const eol = indexOfCrlf(this.buf, pos);
        if (eol < 0) break;
        const line = new TextDecoder().decode(this.buf.subarray(pos, eol));
        pos = eol + 2;
        const size = Number.parseInt(line.split(";")[0] ?? "", 16);
        if (!Number.isFinite(size) || size < 0) throw new ResponseFramingError(`bad chunk size line: ${line}`);
        // A chunk's data is followed by CRLF, skipped with it.
        this.state = size === 0 ? { kind: "trailers" } : { kind: "chunk-data", remaining: size + 2 };
      } else if (s.kind === "chunk-data") {
        const take = Math.min(s.remaining, this.buf.length - pos);
        pos += take;
        s.remaining -= take;
        if (s.remaining > 0) break;
        this.state = { kind: "chunk-size" };
      } else {
        const eol = indexOfCrlf(this.buf, pos);
        if (eol < 0) break;
        const empty = eol === pos;
        pos = eol + 2;
        if (empty) {
          done.push(this.status);
          this.state = { kind: "head" };
        }
      }
    }
    this.buf = pos >= this.buf.length ? new Uint8Array(0) : this.buf.subarray(pos);
    return done;
  }

  private startBody(head: string): void {
    const lines = head.split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
    if (!m?.[1]) throw new ResponseFramingError(`bad status line: ${lines[0] ?? ""}`);
    this.status = Number(m[1]);
    let length: number | undefined;
    let chunked = false;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") length = Number(value);
      else if (name === "transfer-encoding" && value.toLowerCase().includes("chunked")) chunked = true;
    }
    const bodiless = this.status === 204 || this.status === 304 || (this.status >= 100 && this.status < 200);
    if (bodiless) this.state = { kind: "head" };
    else if (chunked) this.state = { kind: "chunk-size" };
    else if (length !== undefined && Number.isInteger(length) && length >= 0) {
      this.state = length === 0 ? { kind: "head" } : { kind: "fixed", remaining: length };
    } else throw new ResponseFramingError(`response ${this.status} has neither Content-Length nor chunked encoding`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function indexOfCrlf(buf: Uint8Array, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) {
    if (((buf[i] ?? 0) << 8) + (buf[i + 1] ?? 0) === CRLF) return i;
  }
  return -1;
}

function indexOfDoubleCrlf(buf: Uint8Array, from: number): number {
  for (let i = from; i + 3 < buf.length; i++) {
    if (buf[i] === 0x0d && buf[i + 1] === 0x0a && buf[i + 2] === 0x0d && buf[i + 3] === 0x0a) return i;
  }
  return -1;
}
