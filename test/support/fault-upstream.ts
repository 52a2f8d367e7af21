/**
 * A fault-injecting HTTP/1.1 upstream over raw TCP, so tests can produce what
 * a well-behaved server never does: resets, hangs, bodies cut midway, slow
 * drips. The behaviour is switched at run time through `mode`.
 */
import type { Socket, TCPSocketListener } from "bun";

export type FaultMode =
  | { kind: "ok"; status?: number; body?: string; latencyMs?: number; headers?: Record<string, string> }
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  /** Close the connection abruptly after reading the request. */
  | { kind: "reset" }
  /** Read the request and never answer. */
  | { kind: "hang" }
  /** Send headers, then `chunks` body chunks `gapMs` apart. */
  | { kind: "slow_body"; chunks: number; gapMs: number }
  /** Announce `length` bytes, send half, close. */
  | { kind: "cut_body"; length: number };

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Arrival time (performance.now()). */
  at: number;
}

interface ConnState {
  /** Growable receive buffer; bytes [0, len) are unread. */
  buf: Buffer;
  len: number;
  timers: Timer[];
  /** Bytes the kernel did not take yet; sent on drain. */
  out: Buffer[];
}

export class FaultUpstream {
  mode: FaultMode = { kind: "ok" };
  /** Modes used once each, in order, before `mode` applies again. */
  queue: FaultMode[] = [];
  /** When set, requests to /health* answer this status whatever the mode (active health probes). */
  healthStatus: number | null = null;
  /** When false, /health* requests are answered but not added to `seen`. */
  recordHealth = false;
  readonly seen: SeenRequest[] = [];
  /** Connections closed by the peer (the gateway) while a response was pending. */
  abortedByPeer = 0;
  private listener: TCPSocketListener<ConnState> | undefined;
  private sockets = new Set<Socket<ConnState>>();
  private pending = new Set<Socket<ConnState>>();
  readonly name: string;

  constructor(name = "upstream") {
    this.name = name;
  }

  private lastPort: number | undefined;

  /** The listening port; after stop(), the port it had (so it can come back on it). */
  get port(): number {
    const port = this.listener?.port ?? this.lastPort;
    if (port === undefined) throw new Error("not started");
    return port;
  }

  get running(): boolean {
    return this.listener !== undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  start(port = 0): this {
    const self = this;
    this.listener = Bun.listen<ConnState>({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.data = { buf: Buffer.allocUnsafe(64 * 1024), len: 0, timers: [], out: [] };
          self.sockets.add(s);
        },
        data(s, chunk) {
          append(s.data, chunk);
          self.drain(s);
        },
        close(s) {
          if (self.pending.has(s)) self.abortedByPeer++;
          self.pending.delete(s);
          for (const t of s.data?.timers ?? []) clearTimeout(t);
          self.sockets.delete(s);
        },
        drain(s) {
          flush(s);
        },
        error() {},
      },
    });
    return this;
  }

  /** Stops listening and drops every connection (a killed process). */
  stop(): void {
    if (this.listener) this.lastPort = this.listener.port;
    this.listener?.stop(true);
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
    this.listener = undefined;
  }

  /** Requests seen, health probes excluded unless recorded. */
  count(pred: (r: SeenRequest) => boolean = () => true): number {
    let n = 0;
    for (const r of this.seen) if (pred(r)) n++;
    return n;
  }

  private drain(s: Socket<ConnState>): void {
    for (;;) {
      const buf = s.data.buf.subarray(0, s.data.len);
      const head = buf.indexOf("\r\n\r\n");
      if (head < 0) return;
      const lines = buf.subarray(0, head).toString("latin1").split("\r\n");
      const [method = "", path = ""] = (lines[0] ?? "").split(" ");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let bodyEnd = head + 4;
      let body = "";
      if (headers["transfer-encoding"]?.includes("chunked")) {
        const parsed = parseChunked(buf, head + 4);
        if (!parsed) return;
        body = parsed.body;
        bodyEnd = parsed.end;
      } else {
        const len = Number(headers["content-length"] ?? 0);
        if (buf.length < head + 4 + len) return;
        body = buf.subarray(head + 4, head + 4 + len).toString();
        bodyEnd = head + 4 + len;
      }
      s.data.buf.copy(s.data.buf, 0, bodyEnd, s.data.len);
      s.data.len -= bodyEnd;
      const isHealth = path.startsWith("/health");
      if (!isHealth || this.recordHealth) this.seen.push({ method, path, headers, body, at: performance.now() });
      if (isHealth && this.healthStatus !== null) {
        write(s, `HTTP/1.1 ${this.healthStatus} X\r\ncontent-length: 0\r\n\r\n`);
        continue;
      }
      this.respond(s, method, path, headers, body);
    }
  }

  private respond(s: Socket<ConnState>, method: string, path: string, headers: Record<string, string>, body: string): void {
    const m = this.queue.shift() ?? this.mode;
    const send = (status: number, payload: string, extra: Record<string, string> = {}) => {
      const hdrs = { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)), "x-upstream": this.name, ...extra };
      const head = `HTTP/1.1 ${status} X\r\n${Object.entries(hdrs).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n`;
      write(s, head + (method === "HEAD" ? "" : payload));
      this.pending.delete(s);
    };
    this.pending.add(s);
    switch (m.kind) {
      case "ok": {
        const payload = m.body ?? JSON.stringify({ upstream: this.name, method, path, headers, body });
        if (m.latencyMs) s.data.timers.push(setTimeout(() => send(m.status ?? 200, payload, m.headers), m.latencyMs));
        else send(m.status ?? 200, payload, m.headers);
        return;
      }
      case "status":
        send(m.status, m.body ?? JSON.stringify({ upstream: this.name, status: m.status }), m.headers);
        return;
      case "reset":
        this.pending.delete(s);
        s.terminate();
        return;
      case "hang":
        return;
      case "slow_body": {
        write(s, `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\nx-upstream: ${this.name}\r\n\r\n`);
        let i = 0;
        const tick = () => {
          if (i < m.chunks) {
            const piece = `chunk-${i}\n`;
            write(s, `${piece.length.toString(16)}\r\n${piece}\r\n`);
            i++;
            s.data.timers.push(setTimeout(tick, m.gapMs));
          } else {
            write(s, "0\r\n\r\n");
            this.pending.delete(s);
          }
        };
        tick();
        return;
      }
      case "cut_body":
        write(s, `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${m.length}\r\nx-upstream: ${this.name}\r\n\r\n${"x".repeat(Math.floor(m.length / 2))}`);
        s.data.timers.push(
          setTimeout(() => {
            this.pending.delete(s);
            s.terminate();
          }, 20),
        );
        return;
    }
  }
}

function write(s: Socket<ConnState>, data: string): void {
  const bytes = Buffer.from(data);
  if (s.data.out.length > 0) {
    s.data.out.push(bytes);
    return;
  }
  const n = s.write(bytes);
  if (n < bytes.length) s.data.out.push(bytes.subarray(Math.max(0, n)));
}

function flush(s: Socket<ConnState>): void {
  while (s.data.out.length > 0) {
    const next = s.data.out[0]!;
    const n = s.write(next);
    if (n < next.length) {
      s.data.out[0] = next.subarray(Math.max(0, n));
      return;
    }
    s.data.out.shift();
  }
}

function append(state: ConnState, chunk: Buffer): void {
  const need = state.len + chunk.length;
  if (need > state.buf.length) {
    // Doubling keeps a multi-megabyte body linear to receive.
    const next = Buffer.allocUnsafe(Math.max(need, state.buf.length * 2));
    state.buf.copy(next, 0, 0, state.len);
    state.buf = next;
  }
  chunk.copy(state.buf, state.len);
  state.len = need;
}

/** The de-chunked body once the whole chunked body is buffered; the body is only assembled then. */
function parseChunked(buf: Buffer, start: number): { body: string; end: number } | undefined {
  let pos = start;
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", pos);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buf.subarray(pos, lineEnd).toString(), 16);
    if (Number.isNaN(size)) return undefined;
    const dataStart = lineEnd + 2;
    if (buf.length < dataStart + size + 2) return undefined;
    if (size === 0) return { body: Buffer.concat(parts).toString(), end: dataStart + 2 };
    parts.push(buf.subarray(dataStart, dataStart + size));
    pos = dataStart + size + 2;
  }
}
