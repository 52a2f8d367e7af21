/**
 * Holds many streaming chat completions open at once, one per connection,
 * and records each one's time to first token (from writing the request to
 * the first SSE `data:` line with generated output) and to its first `data:`
 * line of any kind. All connections are opened first, so TCP
 * connects stay out of the measurement; requests then go out at a fixed
 * rate, so the last ones are measured with nearly all streams already open.
 * When every stream has shown its first token and before any has ended, the
 * resident memory of the process under test (--rss-pid) is read: against
 * the reading taken before connecting, that is the memory per open stream.
 *
 * Like bench/openloop.ts it speaks HTTP/1.1 on raw sockets on its event
 * loop (Bun's fetch would hand every stream to a client thread).
 *
 * Run: bun bench/ai/streams.ts --url http://127.0.0.1:8080/v1/chat/completions \
 *        --streams 5000 --rate 1000 --event-ms 1000 --hold-s 10 \
 *        [--model m] [--header "authorization: Bearer k"] [--rss-pid 123] [--out r.json]
 */
import type { Socket } from "bun";
import { readFileSync } from "node:fs";
import { Http1ResponseParser } from "../lib/http1-response-parser.ts";
import { summarize, type LatencySummary } from "../lib/percentile.ts";
import { FirstTokenWatcher } from "./lib/first-token.ts";
import { streamBody } from "./lib/stream-body.ts";

export interface StreamsOptions {
  url: URL;
  streams: number;
  rate: number;
  eventMs: number;
  holdS: number;
  model: string;
  headers: [string, string][];
  rssPids: number[];
  connectConcurrency: number;
  /** Seconds to wait for the streams to end after the last request went out. */
  timeoutS: number;
  out: string | undefined;
}

export interface StreamsResult {
  url: string;
  streams: number;
  rate: number;
  event_ms: number;
  hold_s: number;
  connected: number;
  connect_errors: number;
  sent: number;
  first_data: number;
  first_token: number;
  completed: number;
  non2xx: number;
  errors: number;
  unfinished: number;
  statuses: Record<string, number>;
  /** Most streams open at once: first token seen, not yet ended. */
  peak_open: number;
  /** Streams open when the memory was read (all of them, unless some failed or ended early). */
  open_at_sample: number;
  ttft_us: LatencySummary;
  /** Time to the first `data:` line of any kind. */
  ttfd_us: LatencySummary;
  /** How late requests went out against their schedule. */
  send_lag_us: LatencySummary;
  /** VmRSS of --rss-pid: before connecting, with the connections open, with the streams open. */
  rss_kb: { before: number; connected: number; open: number } | undefined;
}

export function parseArgs(argv: string[]): StreamsOptions {
  let url = "";
  const o: Omit<StreamsOptions, "url"> = {
    streams: 100,
    rate: 1000,
    eventMs: 1000,
    holdS: 10,
    model: "claude-sonnet-4-5",
    headers: [],
    rssPids: [],
    connectConcurrency: 256,
    timeoutS: 60,
    out: undefined,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    if (flag === "--url") url = value;
    else if (flag === "--streams") o.streams = Number(value);
    else if (flag === "--rate") o.rate = Number(value);
    else if (flag === "--event-ms") o.eventMs = Number(value);
    else if (flag === "--hold-s") o.holdS = Number(value);
    else if (flag === "--model") o.model = value;
    else if (flag === "--rss-pid") o.rssPids.push(Number(value));
    else if (flag === "--connect-concurrency") o.connectConcurrency = Number(value);
    else if (flag === "--timeout") o.timeoutS = Number(value);
    else if (flag === "--out") o.out = value;
    else if (flag === "--header") {
      const colon = value.indexOf(":");
      if (colon <= 0) throw new Error(`header must be "name: value", got ${value}`);
      o.headers.push([value.slice(0, colon).trim(), value.slice(colon + 1).trim()]);
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (!url) throw new Error("--url is required");
  for (const [name, v] of [["streams", o.streams], ["rate", o.rate], ["event-ms", o.eventMs], ["hold-s", o.holdS], ["timeout", o.timeoutS], ["connect-concurrency", o.connectConcurrency]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`--${name} must be a positive number, got ${v}`);
  }
  if (!Number.isInteger(o.streams)) throw new Error("--streams must be an integer");
  if (o.rssPids.some((p) => !Number.isInteger(p) || p <= 0)) throw new Error("--rss-pid must be a process id");
  return { url: new URL(url), ...o };
}

export function requestBytes(url: URL, headers: [string, string][], body: string): Uint8Array {
  const payload = new TextEncoder().encode(body);
  const lines = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    "User-Agent: waygate-bench-streams",
    "Content-Type: application/json",
    "Accept: text/event-stream",
    `Content-Length: ${payload.length}`,
  ];
  for (const [k, v] of headers) lines.push(`${k}: ${v}`);
  const head = new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

/** VmRSS in kB from the text of /proc/<pid>/status; 0 when absent. */
export function vmRssKb(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) : 0;
}

function rssOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += vmRssKb(readFileSync(`/proc/${pid}/status`, "utf8"));
    } catch {
      // The process is gone; it counts as nothing.
    }
  }
  return total;
}

type Phase = "idle" | "sent" | "open" | "done" | "failed";

interface Conn {
  socket: Socket<undefined> | undefined;
  watcher: FirstTokenWatcher;
  parser: Http1ResponseParser;
  phase: Phase;
  sentAt: number;
}

class Streams {
  readonly conns: Conn[] = [];
  connectErrors = 0;
  sent = 0;
  firstData = 0;
  firstToken = 0;
  completed = 0;
  non2xx = 0;
  errors = 0;
  open = 0;
  peakOpen = 0;
  openAtSample = 0;
  /** Connections that have not yet shown a first token nor ended (idle ones included). */
  private waiting = 0;
  readonly statuses = new Map<number, number>();
  readonly ttfts: number[] = [];
  readonly ttfds: number[] = [];
  readonly lags: number[] = [];
  rssOpen: number | undefined;
  private closing = false;

  constructor(
    private readonly opts: StreamsOptions,
    private readonly req: Uint8Array,
  ) {}

  async connectAll(): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < this.opts.streams) {
        next++;
        await this.connect();
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.connectConcurrency, this.opts.streams) }, worker));
  }

  private async connect(): Promise<void> {
    const conn: Conn = { socket: undefined, watcher: new FirstTokenWatcher(), parser: new Http1ResponseParser(), phase: "idle", sentAt: 0 };
    try {
      conn.socket = await Bun.connect({
        hostname: this.opts.url.hostname,
        port: Number(this.opts.url.port || 80),
        socket: {
          data: (_s, data) => this.onData(conn, data),
          close: () => this.fail(conn),
          error: () => this.fail(conn),
        },
      });
      conn.socket.setNoDelay(true);
      this.conns.push(conn);
      this.waiting++;
    } catch {
      this.connectErrors++;
    }
  }

  send(conn: Conn, lagMs: number): void {
    conn.phase = "sent";
    conn.sentAt = performance.now();
    this.sent++;
    this.lags.push(lagMs * 1000);
    const written = conn.socket?.write(this.req) ?? -1;
    // A request is a few hundred bytes on a fresh socket: a short write means it is broken.
    if (written !== this.req.length) this.fail(conn);
  }

  private onData(conn: Conn, data: Uint8Array): void {
    if (conn.phase !== "sent" && conn.phase !== "open") return;
    const seen = conn.watcher.push(data);
    if (seen.firstData || seen.firstToken) {
      const us = (performance.now() - conn.sentAt) * 1000;
      if (seen.firstData) {
        this.ttfds.push(us);
        this.firstData++;
      }
      if (seen.firstToken) {
        this.ttfts.push(us);
        this.firstToken++;
        this.move(conn, "open");
      }
    }
    let statuses: number[];
    try {
      statuses = conn.parser.push(data);
    } catch {
      return this.fail(conn);
    }
    const status = statuses[0];
    if (status === undefined) return;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status < 200 || status > 299) this.non2xx++;
    this.completed++;
    this.move(conn, "done");
    conn.socket?.end();
  }

  private fail(conn: Conn): void {
    // Streams cut at the deadline by close() are unfinished, not errors.
    if (this.closing || conn.phase === "done" || conn.phase === "failed") return;
    if (conn.phase === "idle") this.connectErrors++;
    else this.errors++;
    this.move(conn, "failed");
    conn.socket?.end();
  }

  private move(conn: Conn, to: Phase): void {
    const from = conn.phase;
    conn.phase = to;
    if (from === "open") this.open--;
    if (to === "open") {
      this.open++;
      this.peakOpen = Math.max(this.peakOpen, this.open);
    }
    if (from === "idle" || from === "sent") {
      this.waiting--;
      // Every stream has shown its first token or ended without one: the moment to read the memory.
      if (this.waiting === 0 && this.rssOpen === undefined) this.sampleNow();
    }
  }

  sampleNow(): void {
    this.rssOpen = rssOf(this.opts.rssPids);
    this.openAtSample = this.open;
  }

  /** Every request sent has ended, well or badly. */
  finished(): boolean {
    return this.completed + this.errors >= this.sent;
  }

  close(): void {
    this.closing = true;
    for (const c of this.conns) c.socket?.end();
  }
}

export async function runStreams(opts: StreamsOptions): Promise<StreamsResult> {
  const body = streamBody(opts.model, opts.eventMs, opts.holdS);
  const req = requestBytes(opts.url, opts.headers, body);
  const rssBefore = rssOf(opts.rssPids);
  const s = new Streams(opts, req);
  await s.connectAll();
  // Let the server finish accepting before the connected reading.
  await Bun.sleep(200);
  const rssConnected = rssOf(opts.rssPids);

  const intervalMs = 1000 / opts.rate;
  const start = performance.now();
  let next = 0;
  const conns = [...s.conns];
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < conns.length && start + next * intervalMs <= now) {
        const conn = conns[next];
        if (conn && conn.phase === "idle") s.send(conn, now - (start + next * intervalMs));
        next++;
      }
      if (next >= conns.length) return resolve();
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    tick();
  });
  const deadline = performance.now() + opts.timeoutS * 1000;
  while (!s.finished() && performance.now() < deadline) await Bun.sleep(20);
  // Some streams never showed a token in time (queued, or failed): read the memory with what is open now.
  if (s.rssOpen === undefined && opts.rssPids.length > 0) s.sampleNow();
  s.close();

  return {
    url: opts.url.href,
    streams: opts.streams,
    rate: opts.rate,
    event_ms: opts.eventMs,
    hold_s: opts.holdS,
    connected: s.conns.length,
    connect_errors: s.connectErrors,
    sent: s.sent,
    first_data: s.firstData,
    first_token: s.firstToken,
    completed: s.completed,
    non2xx: s.non2xx,
    errors: s.errors,
    unfinished: s.sent - s.completed - s.errors,
    statuses: Object.fromEntries([...s.statuses].map(([k, v]) => [String(k), v])),
    peak_open: s.peakOpen,
    open_at_sample: s.openAtSample,
    ttft_us: summarize(s.ttfts),
    ttfd_us: summarize(s.ttfds),
    send_lag_us: summarize(s.lags),
    rss_kb: opts.rssPids.length > 0 && s.rssOpen !== undefined ? { before: rssBefore, connected: rssConnected, open: s.rssOpen } : undefined,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(Bun.argv.slice(2));
  const json = JSON.stringify(await runStreams(opts));
  if (opts.out) await Bun.write(opts.out, json + "\n");
  else console.log(json);
}

if (import.meta.main) await main();
