/**
 * Turns raw run results into the numbers the report shows: one row per
 * target, the Waygate/nginx ratios, and the verdict on each target. Pure, so
 * the arithmetic is tested without running a benchmark.
 */
import type { CpuUsage, TargetName, TargetResult, WrkReport } from "./results.ts";

export const LABELS: Record<TargetName, string> = {
  direct: "upstream direct",
  nginx: "nginx proxy_pass, keepalive 64",
  bun: "bare Bun.serve + fetch (reference)",
  waygate: "Waygate, no policies",
  "waygate-log": "Waygate, no policies + call log",
  "waygate-auth": "Waygate, key-auth + call log",
  "waygate-policies": "Waygate, key-auth + rate limit + IP rule + call log",
};

export interface Row {
  name: TargetName;
  label: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses outside 2xx/3xx as wrk counts them. */
  non2xx: number;
  socketErrors: number;
  /** CPU the proxy used, in cores (1.0 = one core busy for the whole run). */
  proxyCores: number | undefined;
  rpsPerProxyCore: number | undefined;
  /** Busy share of the proxy's core counting all processes; far above proxyCores means interference. */
  proxyCpuBusyPct: number | undefined;
  fixedP50Ms: number | undefined;
  fixedP99Ms: number | undefined;
  /** Median over runs of (this target's p99 − direct's p99) at the fixed rate. */
  addedP99Ms: number | undefined;
  fixedNon2xx: number;
  fixedErrors: number;
  fixedSent: number;
  /** During the fixed-rate runs: busy share of the proxy's core (all processes) and the proxy's own share. */
  fixedCpuBusyPct: number | undefined;
  fixedProxyOwnPct: number | undefined;
  rssMaxMb: number | undefined;
  hwmMb: number | undefined;
}

export interface Ratio {
  name: TargetName;
  rps: number;
  rpsPerCore: number | undefined;
}

export interface Verdict {
  what: string;
  value: string;
  target: string;
  met: boolean | undefined;
  /** Why the verdict cannot be trusted, when other processes shared the proxy's core. */
  caveat?: string;
}

export interface Summary {
  rows: Row[];
  /** Each Bun and Waygate row against nginx. */
  ratios: Ratio[];
  /** Each Waygate row against the bare Bun proxy: the gateway's own cost. */
  vsBun: Ratio[];
  verdicts: Verdict[];
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const kbToMb = (kb: number): number => kb / 1024;

/** The throughput columns of any wrk-measured row; CPU counts only for a proxy under test. */
export function wrkColumns(wrk: WrkReport, cpu: CpuUsage | undefined, isProxy: boolean) {
  const seconds = wrk.duration_us / 1e6;
  const rps = seconds > 0 ? wrk.requests / seconds : 0;
  const proxyCores = cpu && isProxy && seconds > 0 ? cpu.cpu_ticks / cpu.clk_tck / seconds : undefined;
  const e = wrk.errors;
  return {
    rps,
    p50Ms: wrk.latency_us.p50 / 1000,
    p99Ms: wrk.latency_us.p99 / 1000,
    non2xx: e.status,
    socketErrors: e.connect + e.read + e.write + e.timeout,
    proxyCores,
    rpsPerProxyCore: proxyCores !== undefined && proxyCores > 0 ? rps / proxyCores : undefined,
    proxyCpuBusyPct: cpu?.proxy_cpu_busy_pct,
  };
}

export function toRow(t: TargetResult, direct: TargetResult | undefined): Row {
  const p99s = t.fixed.map((f) => f.latency_us.p99 / 1000);
  let addedP99Ms: number | undefined;
  if (direct && direct !== t && direct.fixed.length > 0 && t.fixed.length > 0) {
    // Compare medians: single p99s of a 10 s run move by a few hundred µs between runs.
    const d = median(direct.fixed.map((f) => f.latency_us.p99 / 1000));
    const m = median(p99s);
    if (d !== undefined && m !== undefined) addedP99Ms = m - d;
  }
  return {
    name: t.name,
    label: LABELS[t.name],
    ...wrkColumns(t.wrk, t.cpu, t.name !== "direct"),
    fixedP50Ms: median(t.fixed.map((f) => f.latency_us.p50 / 1000)),
    fixedP99Ms: median(p99s),
    addedP99Ms,
    fixedNon2xx: t.fixed.reduce((a, f) => a + f.non2xx, 0),
    fixedErrors: t.fixed.reduce((a, f) => a + f.errors + f.unfinished, 0),
    fixedSent: t.fixed.reduce((a, f) => a + f.sent, 0),
    fixedCpuBusyPct: t.fixedCpu?.proxy_cpu_busy_pct,
    fixedProxyOwnPct: t.name === "direct" ? undefined : t.fixedCpu?.proxy_own_pct,
    rssMaxMb: t.mem ? kbToMb(t.mem.vmrss_max_kb) : undefined,
    hwmMb: t.mem ? kbToMb(t.mem.vmhwm_kb) : undefined,
  };
}

/**
 * policyCost: the share of key-auth-only req/s that a rate limit and an IP rule may take;
 * logCost: the share of the no-policies req/s that recording every call (bodies off) may take.
 */
export const TARGETS = { rpsRatio: 0.5, addedP99Ms: 1, rssMb: 150, policyCost: 0.1, logCost: 0.1 } as const;

/**
 * Percentage points of the proxy's core used by other processes (its busy
 * share minus the proxy's own) above which a measurement is not trusted.
 * Loopback networking in softirq accounts for up to about 10 under full load.
 */
export const INTERFERENCE_PCT = 15;

/** Other processes' share of the proxy's core, when it is large enough to distrust the numbers. */
export function interference(busyPct: number | undefined, ownPct: number | undefined): number | undefined {
  if (busyPct === undefined || ownPct === undefined) return undefined;
  const other = busyPct - ownPct;
  return other > INTERFERENCE_PCT ? other : undefined;
}

export function throughputInterference(r: Row): number | undefined {
  return interference(r.proxyCpuBusyPct, r.proxyCores === undefined ? (r.name === "direct" ? 0 : undefined) : r.proxyCores * 100);
}

export function latencyInterference(r: Row): number | undefined {
  return interference(r.fixedCpuBusyPct, r.name === "direct" ? 0 : r.fixedProxyOwnPct);
}

const WAYGATE_ROWS: TargetName[] = ["waygate", "waygate-log", "waygate-auth", "waygate-policies"];

export function summarize(targets: TargetResult[]): Summary {
  const direct = targets.find((t) => t.name === "direct");
  const rows = targets.map((t) => toRow(t, direct));
  const nginx = rows.find((r) => r.name === "nginx");
  const bun = rows.find((r) => r.name === "bun");
  const ratios = against(nginx, rows, ["bun", ...WAYGATE_ROWS]);
  return { rows, ratios, vsBun: against(bun, rows, WAYGATE_ROWS), verdicts: verdicts(rows, ratios) };
}

function against(base: Row | undefined, rows: Row[], names: TargetName[]): Ratio[] {
  if (!base || base.rps <= 0) return [];
  return rows
    .filter((r) => names.includes(r.name))
    .map((r) => ({
      name: r.name,
      rps: r.rps / base.rps,
      rpsPerCore: r.rpsPerProxyCore !== undefined && base.rpsPerProxyCore ? r.rpsPerProxyCore / base.rpsPerProxyCore : undefined,
    }));
}

function verdicts(rows: Row[], ratios: Ratio[]): Verdict[] {
  const out: Verdict[] = [];
  const auth = rows.find((r) => r.name === "waygate-auth");
  const authRatio = ratios.find((r) => r.name === "waygate-auth");
  const clean = (r: Row): boolean => r.non2xx === 0 && r.socketErrors === 0;
  const nginx = rows.find((r) => r.name === "nginx");
  const busy = (rs: (Row | undefined)[], f: (r: Row) => number | undefined): string | undefined => {
    const hit = rs.filter((r): r is Row => r !== undefined && f(r) !== undefined);
    return hit.length > 0 ? `other processes used ${hit.map((r) => `${Math.round(f(r) ?? 0)}% of the proxy core during ${r.name}`).join(", ")}` : undefined;
  };
  const direct = rows.find((r) => r.name === "direct");
  out.push({
    caveat: busy([auth, nginx], throughputInterference),
    what: "Waygate key-auth + call log, req/s on one core vs nginx",
    value: authRatio ? `${authRatio.rps.toFixed(2)}×` + (auth && !clean(auth) ? " (with errors)" : "") : "not measured",
    target: `≥ ${TARGETS.rpsRatio}×`,
    met: authRatio && auth ? authRatio.rps >= TARGETS.rpsRatio && clean(auth) : undefined,
  });
  const policies = rows.find((r) => r.name === "waygate-policies");
  out.push(policyCostVerdict(auth, policies, busy([auth, policies], throughputInterference)));
  const plain = rows.find((r) => r.name === "waygate");
  const logged = rows.find((r) => r.name === "waygate-log");
  out.push(costVerdict("Waygate call log (bodies off), req/s lost against no call log", TARGETS.logCost, plain, logged, busy([plain, logged], throughputInterference)));
  for (const r of rows) {
    if (!WAYGATE_ROWS.includes(r.name)) continue;
    out.push({
      caveat: busy([r, direct], latencyInterference),
      what: `${r.label}, added p99 at the fixed rate`,
      value: r.addedP99Ms !== undefined ? `${r.addedP99Ms.toFixed(3)} ms` : "not measured",
      target: `< ${TARGETS.addedP99Ms} ms`,
      met: r.addedP99Ms !== undefined ? r.addedP99Ms < TARGETS.addedP99Ms && r.fixedNon2xx === 0 && r.fixedErrors === 0 : undefined,
    });
  }
  for (const r of rows) {
    if (!WAYGATE_ROWS.includes(r.name)) continue;
    out.push({
      what: `${r.label}, peak RSS (VmHWM)`,
      value: r.hwmMb !== undefined ? `${r.hwmMb.toFixed(1)} MB` : "not measured",
      target: `< ${TARGETS.rssMb} MB`,
      met: r.hwmMb !== undefined ? r.hwmMb < TARGETS.rssMb : undefined,
    });
  }
  return out;
}

/**
 * What the rate limit and the IP rule cost: the share of the key-auth-only
 * run's req/s lost when they are added (1 − policies/auth). Negative when the
 * policies run came out faster, which is noise; it still meets the target.
 */
export function policyCostVerdict(auth: Row | undefined, policies: Row | undefined, caveat: string | undefined): Verdict {
  return costVerdict("Waygate policy evaluation (rate limit + IP rule), req/s lost against key-auth only", TARGETS.policyCost, auth, policies, caveat);
}

/** The share of `base`'s req/s lost in `withFeature` (1 − with/base), judged against `limit` (a fraction). */
export function costVerdict(what: string, limit: number, base: Row | undefined, withFeature: Row | undefined, caveat: string | undefined): Verdict {
  const target = `< ${Math.round(limit * 100)}%`;
  if (!base || !withFeature || base.rps <= 0) return { caveat, what, value: "not measured", target, met: undefined };
  // Judged on the percentage as shown, so "10.0%" never reads as under 10%.
  const costPct = Number(((1 - withFeature.rps / base.rps) * 100).toFixed(1));
  const clean = (r: Row): boolean => r.non2xx === 0 && r.socketErrors === 0;
  const ok = clean(base) && clean(withFeature);
  return {
    caveat,
    what,
    value: `${costPct.toFixed(1)}% (${Math.round(withFeature.rps).toLocaleString("en-US")} vs ${Math.round(base.rps).toLocaleString("en-US")} req/s)` + (ok ? "" : " (with errors)"),
    target,
    met: costPct < limit * 100 && ok,
  };
}
