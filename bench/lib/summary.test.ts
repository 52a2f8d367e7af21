import { describe, expect, test } from "bun:test";
import type { OpenLoopReport, TargetName, TargetResult, WrkReport } from "./results.ts";
import { latencyInterference, median, policyCostVerdict, summarize, throughputInterference, toRow } from "./summary.ts";

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
    expect(only.verdicts.map((v) => v.met)).toEqual([undefined, undefined]);
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

describe("policy evaluation cost against key-auth only", () => {
  const cost = (results: TargetResult[]) => summarize(results).verdicts.find((v) => v.what.includes("policy evaluation"));

  test("a policies run 5% slower than key-auth only meets the target", () => {
    const v = cost([target("waygate-auth", 10_000), target("waygate-policies", 9_500)]);
    expect(v?.value).toBe("5.0% (9,500 vs 10,000 req/s)");
    expect(v?.target).toBe("< 10%");
    expect(v?.met).toBe(true);
  });

  test("12% slower is not met, and exactly 10% is not under the target", () => {
    expect(cost([target("waygate-auth", 10_000), target("waygate-policies", 8_800)])?.met).toBe(false);
    expect(cost([target("waygate-auth", 10_000), target("waygate-policies", 9_000)])?.met).toBe(false);
  });

  test("a faster policies run is noise and meets the target", () => {
    const v = cost([target("waygate-auth", 10_000), target("waygate-policies", 10_300)]);
    expect(v?.value).toStartWith("-3.0%");
    expect(v?.met).toBe(true);
  });

  test("errors in either run fail it whatever the ratio", () => {
    const withErrors = cost([target("waygate-auth", 10_000), target("waygate-policies", 9_900, { status: 7 })]);
    expect(withErrors?.met).toBe(false);
    expect(withErrors?.value).toContain("with errors");
    expect(cost([target("waygate-auth", 10_000, { status: 1 }), target("waygate-policies", 9_900)])?.met).toBe(false);
  });

  test("either run missing is not measured", () => {
    expect(cost([target("waygate-auth", 10_000)])?.met).toBeUndefined();
    expect(cost([target("waygate-policies", 10_000)])?.value).toBe("not measured");
    expect(policyCostVerdict(toRow(target("waygate-auth", 0), undefined), toRow(target("waygate-policies", 10), undefined), undefined).met).toBeUndefined();
  });

  test("the new row gets its label, a ratio against nginx and one against the bare Bun proxy", () => {
    const s = summarize([target("nginx", 20_000), target("bun", 30_000), target("waygate-auth", 9_000), target("waygate-policies", 8_700)]);
    expect(s.rows.find((r) => r.name === "waygate-policies")?.label).toBe("Waygate, key-auth + rate limit + IP rule + call log");
    expect(s.ratios.map((r) => [r.name, r.rps])).toEqual([
      ["bun", 1.5],
      ["waygate-auth", 0.45],
      ["waygate-policies", 0.435],
    ]);
    expect(s.vsBun.map((r) => r.name)).toEqual(["waygate-auth", "waygate-policies"]);
    expect(s.verdicts.filter((v) => v.what.includes("Waygate, key-auth + rate limit"))).toHaveLength(2);
  });

  test("interference on the proxy core during either run is a caveat", () => {
    const noisy = target("waygate-policies", 9_500, { cpuTicks: 500 });
    noisy.cpu = { cpu_ticks: 500, clk_tck: 100, proxy_cpu_busy_pct: 90 };
    expect(cost([target("waygate-auth", 10_000), noisy])?.caveat).toContain("40% of the proxy core during waygate-policies");
  });
});

describe("call log cost against no call log", () => {
  const cost = (results: TargetResult[]) => summarize(results).verdicts.find((v) => v.what.includes("call log (bodies off)"));

  test("the logged run's req/s lost against the plain run, judged against 10%", () => {
    const v = cost([target("waygate", 10_000), target("waygate-log", 9_300)]);
    expect(v?.value).toBe("7.0% (9,300 vs 10,000 req/s)");
    expect(v?.met).toBe(true);
    expect(cost([target("waygate", 10_000), target("waygate-log", 8_900)])?.met).toBe(false);
  });

  test("errors in either run fail it, and a missing run is not measured", () => {
    expect(cost([target("waygate", 10_000), target("waygate-log", 9_900, { status: 3 })])?.met).toBe(false);
    expect(cost([target("waygate", 10_000)])?.value).toBe("not measured");
  });
});
