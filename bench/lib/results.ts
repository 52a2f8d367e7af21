/**
 * The files bench/run.sh leaves in its results directory, read back with
 * their shapes checked: a missing or malformed file is a broken run, and the
 * report must say so instead of printing a table of zeros.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const TARGET_NAMES = ["direct", "nginx", "bun", "waygate", "waygate-log", "waygate-auth", "waygate-policies"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

const Latency = z.object({ mean: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number(), max: z.number() });

export const WrkReport = z.object({
  requests: z.number(),
  duration_us: z.number(),
  bytes: z.number(),
  errors: z.object({ connect: z.number(), read: z.number(), write: z.number(), status: z.number(), timeout: z.number() }),
  latency_us: Latency.extend({ stdev: z.number() }),
});
export type WrkReport = z.output<typeof WrkReport>;

export const OpenLoopReport = z.object({
  rate: z.number(),
  duration_s: z.number(),
  sent: z.number(),
  completed: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  unfinished: z.number(),
  statuses: z.record(z.string(), z.number()),
  latency_us: Latency.extend({ count: z.number() }),
  send_lag_us: Latency.extend({ count: z.number() }),
});
export type OpenLoopReport = z.output<typeof OpenLoopReport>;

export const CpuUsage = z.object({
  /** CPU time of the proxy's processes during the measured run; 0 for the direct run. */
  cpu_ticks: z.number(),
  clk_tck: z.number(),
  /** How busy the proxy's core was, counting every process on it. */
  proxy_cpu_busy_pct: z.number(),
});
export type CpuUsage = z.output<typeof CpuUsage>;

/** CPU during the fixed-rate runs: the proxy core's busy share (all processes) and the proxy's own. */
export const FixedCpu = z.object({ proxy_cpu_busy_pct: z.number(), proxy_own_pct: z.number() });
export type FixedCpu = z.output<typeof FixedCpu>;

export const MemUsage = z.object({ vmhwm_kb: z.number(), vmrss_kb: z.number(), vmrss_max_kb: z.number() });
export type MemUsage = z.output<typeof MemUsage>;

export const Params = z.object({
  busy_before: z.string(),
  busy_before_max_pct: z.number(),
  duration_s: z.number(),
  warmup_s: z.number(),
  threads: z.number(),
  connections: z.number(),
  rate: z.number(),
  fixed_duration_s: z.number(),
  fixed_runs: z.number(),
  proxy_cpu: z.string(),
  load_cpus: z.string(),
  targets: z.string(),
});
export type Params = z.output<typeof Params>;

export interface TargetResult {
  name: TargetName;
  wrk: WrkReport;
  /** wrk's own text output, kept for its "Non-2xx or 3xx responses" line. */
  wrkText: string;
  cpu: CpuUsage | undefined;
  mem: MemUsage | undefined;
  fixed: OpenLoopReport[];
  fixedCpu: FixedCpu | undefined;
  /** Statuses of the sanity requests sent before the load (Waygate only). */
  check: Record<string, number> | undefined;
  callLogBytes: number | undefined;
}

function readJson<S extends z.ZodType>(schema: S, path: string): z.output<S> {
  return schema.parse(JSON.parse(readFileSync(path, "utf8")));
}

function readOptional<S extends z.ZodType>(schema: S, path: string): z.output<S> | undefined {
  return existsSync(path) ? readJson(schema, path) : undefined;
}

export function loadParams(dir: string): Params {
  return readJson(Params, join(dir, "params.json"));
}

/** The targets that have a wrk report, in the fixed order of TARGET_NAMES. */
export function loadTargets(dir: string, fixedRuns: number): TargetResult[] {
  const out: TargetResult[] = [];
  for (const name of TARGET_NAMES) {
    const wrkPath = join(dir, `${name}.wrk.json`);
    if (!existsSync(wrkPath)) continue;
    const fixed: OpenLoopReport[] = [];
    for (let i = 1; i <= fixedRuns; i++) {
      const p = join(dir, `${name}.fixed.${i}.json`);
      if (existsSync(p)) fixed.push(readJson(OpenLoopReport, p));
    }
    out.push({
      name,
      wrk: readJson(WrkReport, wrkPath),
      wrkText: readFileSync(join(dir, `${name}.wrk.txt`), "utf8"),
      cpu: readOptional(CpuUsage, join(dir, `${name}.cpu.json`)),
      mem: readOptional(MemUsage, join(dir, `${name}.mem.json`)),
      fixed,
      fixedCpu: readOptional(FixedCpu, join(dir, `${name}.fixed-cpu.json`)),
      check: readOptional(z.record(z.string(), z.number()), join(dir, `${name}.check.json`)),
      callLogBytes: readOptional(z.object({ call_log_bytes: z.number() }), join(dir, `${name}.calllog.json`))?.call_log_bytes,
    });
  }
  return out;
}
