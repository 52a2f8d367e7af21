/**
 * Open-loop load generator: sends requests at a constant rate, whether or not
 * earlier ones have answered, and records each request's latency. wrk is
 * closed-loop (a slow response delays the next request), which hides
 * queueing; this measures latency at a fixed rate.
 *
 * It speaks HTTP/1.1 over raw keep-alive sockets on the main event loop:
 * Bun's fetch hands requests to a client thread, and on the one core the
 * generator shares with the upstream those hand-offs alone cost milliseconds
 * at p99, more than the gateway overhead being measured.
 *
 * A request's latency runs from the moment the generator was due to send it
 * (the timer tick that found it due) to its last response byte, so time spent
 * waiting for a free connection counts. How late ticks were against the
 * schedule is reported apart (send_lag_us): a generator that could not keep up
 * shows there, not as a silently lower rate.
 *
 * Run: bun bench/openloop.ts --url http://127.0.0.1:8080/ --rate 1000 \
 *        --duration 10 --warmup 2 [--header "x-api-key: k"] [--out result.json]
 */
import type { Socket } from "bun";
import { Http1ResponseParser } from "./lib/http1-response-parser.ts";
import { summarize, type LatencySummary } from "./lib/percentile.ts";

export interface OpenLoopResult {
  url: string;
  rate: number;
  duration_s: number;
  sent: number;
  completed: number;
  non2xx: number;
  errors: number;
  unfinished: number;
  max_connections_used: number;
  statuses: Record<string, number>;
  latency_us: LatencySummary;
  send_lag_us: LatencySummary;
}

export interface Options {
  url: URL;
  rate: number;
  durationS: number;
  warmupS: number;
  connections: number;
  maxConnections: number;
  headers: [string, string][];
  out: string | undefined;
}

export function parseArgs(argv: string[]): Options {
  let url = "";
  const opts: Omit<Options, "url"> = { rate: 1000, durationS: 10, warmupS: 2, connections: 8, maxConnections: 256, headers: [], out: undefined };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    if (flag === "--url") url = value;
    else if (flag === "--rate") opts.rate = Number(value);
    else if (flag === "--duration") opts.durationS = Number(value);
    else if (flag === "--warmup") opts.warmupS = Number(value);
    else if (flag === "--connections") opts.connections = Number(value);
    else if (flag === "--max-connections") opts.maxConnections = Number(value);
    else if (flag === "--out") opts.out = value;
    else if (flag === "--header") {
      const colon = value.indexOf(":");
      if (colon <= 0) throw new Error(`header must be "name: value", got ${value}`);
      opts.headers.push([value.slice(0, colon).trim(), value.slice(colon + 1).trim()]);
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (!url) throw new Error("--url is required");
  if (!(opts.rate > 0) || !(opts.durationS > 0) || !(opts.warmupS >= 0)) throw new Error("rate and duration must be positive");
  if (!(opts.connections >= 1) || opts.maxConnections < opts.connections) throw new Error("need 1 <= connections <= max-connections");
  return { url: new URL(url), ...opts };
}

function requestBytes(opts: Options): Uint8Array {
  const u = opts.url;
  const lines = [`GET ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, "User-Agent: waygate-openloop"];
  for (const [k, v] of opts.headers) lines.push(`${k}: ${v}`);
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
}

interface Stats {
  recording: boolean;
  sent: number;
  completed: number;
  non2xx: number;
  errors: number;
  statuses: Map<number, number>;
  recorded: number;
  latencies: Float64Array;
  lags: Float64Array;
}

interface Conn {
  socket: Socket<undefined> | undefined;
  parser: Http1ResponseParser;
  /** Due times of requests written on this connection and not yet answered (one at a time). */
  pending: { due: number; lag: number; stats: Stats }[];
  dead: boolean;
}

class Generator {
  private readonly req: Uint8Array;
  private readonly conns = new Set<Conn>();
  private readonly idle: Conn[] = [];
  private readonly waiting: { due: number; lag: number; stats: Stats }[] = [];
  private connecting = 0;
  maxUsed = 0;

  constructor(private readonly opts: Options) {
    this.req = requestBytes(opts);
  }

  async open(n: number): Promise<void> {
    await Promise.all(Array.from({ length: n }, () => this.connect()));
  }

  inflight(): number {
    let n = this.waiting.length;
    for (const c of this.conns) n += c.pending.length;
    return n;
  }

  send(due: number, lag: number, stats: Stats): void {
    stats.sent++;
    const job = { due, lag, stats };
    const conn = this.idle.pop();
    if (conn) return this.write(conn, job);
    this.waiting.push(job);
    if (this.conns.size + this.connecting < this.opts.maxConnections) void this.connect();
  }

  close(): void {
    for (const c of this.conns) c.socket?.end();
  }

  private write(conn: Conn, job: { due: number; lag: number; stats: Stats }): void {
    conn.pending.push(job);
    const written = conn.socket?.write(this.req) ?? -1;
    // Requests are a few hundred bytes on an idle socket; a short write means the socket is broken.
    if (written !== this.req.length) this.fail(conn);
  }

  private async connect(): Promise<void> {
    this.connecting++;
    const conn: Conn = { socket: undefined, parser: new Http1ResponseParser(), pending: [], dead: false };
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
    } catch {
      this.connecting--;
      const job = this.waiting.shift();
      if (job) job.stats.errors++;
      return;
    }
    this.connecting--;
    this.conns.add(conn);
    this.maxUsed = Math.max(this.maxUsed, this.conns.size);
    this.release(conn);
  }

  private onData(conn: Conn, data: Uint8Array): void {
    let statuses: number[];
    try {
      statuses = conn.parser.push(data);
    } catch {
      return this.fail(conn);
    }
    const now = performance.now();
    for (const status of statuses) {
      const job = conn.pending.shift();
      if (!job) return this.fail(conn);
      const s = job.stats;
      s.completed++;
      if (status < 200 || status > 299) s.non2xx++;
      s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
      if (s.recording && s.recorded < s.latencies.length) {
        s.latencies[s.recorded] = (now - job.due) * 1000;
        s.lags[s.recorded] = job.lag * 1000;
        s.recorded++;
      }
    }
    if (conn.pending.length === 0) this.release(conn);
  }

  private release(conn: Conn): void {
    const job = this.waiting.shift();
    if (job) this.write(conn, job);
    else this.idle.push(conn);
  }

  private fail(conn: Conn): void {
    if (conn.dead) return;
    conn.dead = true;
    for (const job of conn.pending) job.stats.errors++;
    conn.pending = [];
    this.conns.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    conn.socket?.end();
    // Keep waiting requests moving on a fresh connection.
    if (this.waiting.length > 0) void this.connect();
  }
}

const DRAIN_MS = 5000;

function newStats(recording: boolean, expected: number): Stats {
  return {
    recording,
    sent: 0,
    completed: 0,
    non2xx: 0,
    errors: 0,
    statuses: new Map(),
    recorded: 0,
    latencies: new Float64Array(recording ? expected : 0),
    lags: new Float64Array(recording ? expected : 0),
  };
}

/** Sends `rate` requests per second for `seconds`, then waits for the answers (up to DRAIN_MS). */
async function phase(gen: Generator, opts: Options, seconds: number, recording: boolean): Promise<Stats> {
  const total = Math.round(opts.rate * seconds);
  const stats = newStats(recording, total);
  const intervalMs = 1000 / opts.rate;
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        gen.send(now, now - (start + next * intervalMs), stats);
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    tick();
  });
  const deadline = performance.now() + DRAIN_MS;
  while (stats.completed + stats.errors < stats.sent && performance.now() < deadline) await Bun.sleep(5);
  return stats;
}

export async function runOpenLoop(opts: Options): Promise<OpenLoopResult> {
  const gen = new Generator(opts);
  await gen.open(opts.connections);
  if (opts.warmupS > 0) await phase(gen, opts, opts.warmupS, false);
  const s = await phase(gen, opts, opts.durationS, true);
  gen.close();
  return {
    url: opts.url.href,
    rate: opts.rate,
    duration_s: opts.durationS,
    sent: s.sent,
    completed: s.completed,
    non2xx: s.non2xx,
    errors: s.errors,
    unfinished: s.sent - s.completed - s.errors,
    max_connections_used: gen.maxUsed,
    statuses: Object.fromEntries([...s.statuses].map(([k, v]) => [String(k), v])),
    latency_us: summarize(s.latencies.subarray(0, s.recorded)),
    send_lag_us: summarize(s.lags.subarray(0, s.recorded)),
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(Bun.argv.slice(2));
  const json = JSON.stringify(await runOpenLoop(opts));
  if (opts.out) await Bun.write(opts.out, json + "\n");
  else console.log(json);
}

if (import.meta.main) await main();
