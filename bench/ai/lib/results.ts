/**
 * The files bench/ai/run.sh leaves in its results directory, read back with
 * their shapes checked. The wrk, CPU and memory files have the shapes of the
 * REST harness's (bench/lib/results.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { CpuUsage, MemUsage, WrkReport } from "../../lib/results.ts";

export const AI_TARGETS = ["sim-openai", "sim-anthropic", "nginx", "waygate", "portkey"] as const;
export type AiTarget = (typeof AI_TARGETS)[number];

export const AiParams = z.object({
  busy_before: z.string(),
  busy_before_max_pct: z.number(),
  duration_s: z.number(),
  warmup_s: z.number(),
  threads: z.number(),
  connections: z.number(),
  streams: z.number(),
  stream_rate: z.number(),
  event_ms: z.number(),
  hold_s: z.number(),
  proxy_cpu: z.string(),
  load_cpus: z.string(),
  targets: z.string(),
  portkey_version: z.string(),
  node_version: z.string(),
  nofile: z.number(),
});
export type AiParams = z.output<typeof AiParams>;

// JSON has no NaN: the statistics of an empty sample arrive as null.
const stat = z.number().nullable();
const Summary = z.object({ count: z.number(), mean: stat, p50: stat, p90: stat, p99: stat, p999: stat, max: stat });

export const StreamsReport = z.object({
  url: z.string(),
  streams: z.number(),
  rate: z.number(),
  event_ms: z.number(),
  hold_s: z.number(),
  connected: z.number(),
  connect_errors: z.number(),
  sent: z.number(),
  first_data: z.number(),
  first_token: z.number(),
  completed: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  unfinished: z.number(),
  statuses: z.record(z.string(), z.number()),
  peak_open: z.number(),
  open_at_sample: z.number(),
  ttft_us: Summary,
  ttfd_us: Summary,
  send_lag_us: Summary,
  rss_kb: z.object({ before: z.number(), connected: z.number(), open: z.number() }).optional(),
});
export type StreamsReport = z.output<typeof StreamsReport>;

export const CallLogSummary = z.object({
  rows: z.number(),
  rows_with_tokens: z.number(),
  rows_with_cost: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
});
export type CallLogSummary = z.output<typeof CallLogSummary>;

/** One request sent before the load: its status and body, to prove the target answers what it should. */
export const Probe = z.object({ status: z.number(), body: z.string() });
export type Probe = z.output<typeof Probe>;

export interface AiTargetResult {
  name: AiTarget;
  wrk: WrkReport;
  wrkText: string;
  cpu: CpuUsage | undefined;
  mem: MemUsage | undefined;
  probe: Probe | undefined;
  callLog: CallLogSummary | undefined;
}

/** CPU time the proxy's processes used over a stream run of `seconds` (wall clock). */
export const StreamCpu = z.object({ cpu_ticks: z.number(), clk_tck: z.number(), seconds: z.number() });
export type StreamCpu = z.output<typeof StreamCpu>;

/** How many event-loop ticks came at most `le` ms late during the run (cumulative, as Prometheus buckets). */
export interface LoopLagBucket {
  le: number;
  count: number;
}

export interface StreamRun {
  report: StreamsReport;
  /** CPU the proxy used during the run, when there is a proxy. */
  cpu: StreamCpu | undefined;
  /** The proxy's event-loop delays during the run, when it reports them. */
  loopLag: LoopLagBucket[] | undefined;
}

export interface AiResults {
  params: AiParams;
  targets: AiTargetResult[];
  streams: { direct: StreamRun | undefined; waygate: StreamRun | undefined };
  /** Why a target is missing (e.g. Portkey could not be installed), by target. */
  skipped: Record<string, string>;
}

function readJson<S extends z.ZodType>(schema: S, path: string): z.output<S> {
  return schema.parse(JSON.parse(readFileSync(path, "utf8")));
}

function readOptional<S extends z.ZodType>(schema: S, path: string): z.output<S> | undefined {
  return existsSync(path) ? readJson(schema, path) : undefined;
}

function readProbe(dir: string, name: string): Probe | undefined {
  const status = join(dir, `${name}.probe.status`);
  if (!existsSync(status)) return undefined;
  const bodyPath = join(dir, `${name}.probe.body`);
  return { status: Number(readFileSync(status, "utf8").trim()) || 0, body: existsSync(bodyPath) ? readFileSync(bodyPath, "utf8") : "" };
}

function readBuckets(path: string): Map<number, number> | undefined {
  if (!existsSync(path)) return undefined;
  const buckets = new Map<number, number>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const [le, count] = line.trim().split(" ");
    if (le && count) buckets.set(le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), Number(count));
  }
  return buckets.size > 0 ? buckets : undefined;
}

/** The growth of the event-loop delay histogram between the scrapes before and after the run. */
function readLoopLag(dir: string, name: string): LoopLagBucket[] | undefined {
  const before = readBuckets(join(dir, `streams-${name}.loop-before.txt`));
  const after = readBuckets(join(dir, `streams-${name}.loop-after.txt`));
  if (!before || !after) return undefined;
  return [...after].map(([le, count]) => ({ le, count: count - (before.get(le) ?? 0) })).sort((a, b) => a.le - b.le);
}

function readStreamRun(dir: string, name: string): StreamRun | undefined {
  const report = readOptional(StreamsReport, join(dir, `streams-${name}.json`));
  return report ? { report, cpu: readOptional(StreamCpu, join(dir, `streams-${name}.cpu.json`)), loopLag: readLoopLag(dir, name) } : undefined;
}

export function loadAiResults(dir: string): AiResults {
  const targets: AiTargetResult[] = [];
  for (const name of AI_TARGETS) {
    const wrkPath = join(dir, `${name}.wrk.json`);
    if (!existsSync(wrkPath)) continue;
    targets.push({
      name,
      wrk: readJson(WrkReport, wrkPath),
      wrkText: readFileSync(join(dir, `${name}.wrk.txt`), "utf8"),
      cpu: readOptional(CpuUsage, join(dir, `${name}.cpu.json`)),
      mem: readOptional(MemUsage, join(dir, `${name}.mem.json`)),
      probe: readProbe(dir, name),
      callLog: readOptional(CallLogSummary, join(dir, `${name}.calllog.json`)),
    });
  }
  const skipped: Record<string, string> = {};
  for (const name of AI_TARGETS) {
    const p = join(dir, `${name}.skipped.txt`);
    if (existsSync(p)) skipped[name] = readFileSync(p, "utf8").trim();
  }
  return {
    params: readJson(AiParams, join(dir, "params.json")),
    targets,
    streams: { direct: readStreamRun(dir, "direct"), waygate: readStreamRun(dir, "waygate") },
    skipped,
  };
}
