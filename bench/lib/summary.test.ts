import { describe, expect, test } from "bun:test";
import type { OpenLoopReport, TargetName, TargetResult, WrkReport } from "./results.ts";
import { latencyInterference, median, summarize, throughputInterference } from "./summary.ts";

function wrk(rps: number, p99us: number, status = 0): WrkReport {
  return {
    requests: rps * 10,
    duration_us: 10_000_000,
    bytes: 0,
    errors: { connect: 0, read: 0, write: 0, status, timeout: 0 },
    latency_us: { mean: 0, stdev: 0, max: 0, p50: 500, p90: 0, p99: p99us, p999: 0 },
  };
}

function fixed(p99us: number, non2xx = 0): OpenLoopReport {
  const lat = { count: 10_000, mean: 0, p50: 100, p90: 0, p99: p99us, p999: 0, max: 0 };
  return { rate: 1000, duration_s: 10, sent: 10_000, completed: 10_000, non2xx, errors: 0, unfinished: 0, statuses: {}, latency_us: lat, send_lag_us: lat };
}

function target(name: TargetName, rps: number, opts: { cpuTicks?: number; p99s?: number[]; status?: number; hwmKb?: number } = {}): TargetResult {
  return {
    name,
    wrk: wrk(rps, 2000, opts.status),
    wrkText: "",
    cpu: opts.cpuTicks === undefined ? undefined : { cpu_ticks: opts.cpuTicks, clk_tck: 100, proxy_cpu_busy_pct: 100 },
    mem: opts.hwmKb === undefined ? undefined : { vmhwm_kb: opts.hwmKb, vmrss_kb: opts.hwmKb, vmrss_max_kb: opts.hwmKb },
    fixed: (opts.p99s ?? []).map((p) => fixed(p)),
    fixedCpu: undefined,
    check: undefined,
    callLogBytes: undefined,
  };
}

describe("summarize", () => {
  const results = [
    target("direct", 50_000, { cpuTicks: 0, p99s: [300, 200, 250] }),
    // nginx uses half a core (500 ticks over 10 s at 100 Hz): 40k req/s on a whole core.
    target("nginx", 20_000, { cpuTicks: 500, p99s: [400, 450, 350] }),
    target("bun", 30_000, { cpuTicks: 1000, p99s: [300, 300, 300] }),
    target("waygate", 12_000, { cpuTicks: 1000, p99s: [900, 800, 1000], hwmKb: 100 * 1024 }),
    target("waygate-auth", 9_000, { cpuTicks: 1000, p99s: [1400, 1300, 1200], hwmKb: 160 * 1024, status: 3 }),
  ];
  const s = summarize(results);
  const row = (n: TargetName) => s.rows.find((r) => r.name === n);

  test("req/s, CPU share and req/s per busy core", () => {
    expect(row("nginx")?.rps).toBe(20_000);
    expect(row("nginx")?.proxyCores).toBeCloseTo(0.5, 9);
    expect(row("nginx")?.rpsPerProxyCore).toBeCloseTo(40_000, 6);
    expect(row("direct")?.proxyCores).toBeUndefined();
  });

  test("ratios against nginx", () => {
    const auth = s.ratios.find((r) => r.name === "waygate-auth");
    expect(auth?.rps).toBeCloseTo(0.45, 9);
    expect(auth?.rpsPerCore).toBeCloseTo(9_000 / 40_000, 9);
    expect(s.ratios.map((r) => r.name)).toEqual(["bun", "waygate", "waygate-auth"]);
    expect(s.vsBun.map((r) => [r.name, r.rps])).toEqual([
      ["waygate", 0.4],
      ["waygate-auth", 0.3],
    ]);
  });

  test("added p99 is the difference of the medians over runs", () => {
    expect(row("nginx")?.addedP99Ms).toBeCloseTo(0.4 - 0.25, 9);
    expect(row("waygate")?.addedP99Ms).toBeCloseTo(0.9 - 0.25, 9);
    expect(row("direct")?.addedP99Ms).toBeUndefined();
  });

  test("verdicts: throughput with errors is not met, even if the ratio were", () => {
    const byWhat = (w: string) => s.verdicts.filter((v) => v.what.includes(w));
    expect(byWhat("req/s")[0]?.met).toBe(false);
    expect(byWhat("req/s")[0]?.value).toContain("with errors");
    expect(byWhat("added p99").map((v) => v.met)).toEqual([true, false]);
    expect(byWhat("RSS").map((v) => v.met)).toEqual([true, false]);
  });

  test("missing measurements are reported as such, not as passes", () => {
    const only = summarize([target("direct", 1000), target("nginx", 1000)]);
    expect(only.ratios).toEqual([]);
    expect(only.vsBun).toEqual([]);
    expect(only.verdicts.map((v) => v.met)).toEqual([undefined]);
  });
});

test("a measurement is flagged when other processes used the proxy's core", () => {
  const quiet = target("waygate", 10_000, { cpuTicks: 900, p99s: [500] });
  quiet.cpu = { cpu_ticks: 900, clk_tck: 100, proxy_cpu_busy_pct: 99 };
  quiet.fixedCpu = { proxy_cpu_busy_pct: 30, proxy_own_pct: 25 };
  const noisy = target("waygate-auth", 10_000, { cpuTicks: 500, p99s: [500] });
  noisy.cpu = { cpu_ticks: 500, clk_tck: 100, proxy_cpu_busy_pct: 95 };
  noisy.fixedCpu = { proxy_cpu_busy_pct: 60, proxy_own_pct: 20 };
  const direct = target("direct", 10_000, { p99s: [300] });
  direct.fixedCpu = { proxy_cpu_busy_pct: 2, proxy_own_pct: 0 };
  const s = summarize([direct, target("nginx", 20_000, { cpuTicks: 1000 }), quiet, noisy]);
  const rowOf = (n: TargetName) => s.rows.find((r) => r.name === n);
  expect(throughputInterference(rowOf("waygate")!)).toBeUndefined();
  expect(throughputInterference(rowOf("waygate-auth")!)).toBeCloseTo(45, 9);
  expect(latencyInterference(rowOf("waygate-auth")!)).toBe(40);
  expect(latencyInterference(rowOf("direct")!)).toBeUndefined();
  expect(s.verdicts[0]?.caveat).toContain("45% of the proxy core during waygate-auth");
  const p99 = s.verdicts.filter((v) => v.what.includes("added p99"));
  expect(p99[0]?.caveat).toBeUndefined();
  expect(p99[1]?.caveat).toContain("40%");
});

test("median of odd and even counts", () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([])).toBeUndefined();
});
