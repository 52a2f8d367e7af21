import { describe, expect, test } from "bun:test";
import { replaceSection } from "../lib/doc-section.ts";
import type { WrkReport } from "../lib/results.ts";
import { AI_END, AI_START } from "./report.ts";
import type { AiResults, AiTarget, AiTargetResult, LoopLagBucket, StreamRun, StreamsReport } from "./lib/results.ts";
import { checkChatCompletion, summarizeAi, toAiRow } from "./lib/summary.ts";

function wrk(rps: number, status = 0): WrkReport {
  return {
    requests: rps * 10,
    duration_us: 10_000_000,
    bytes: 0,
    errors: { connect: 0, read: 0, write: 0, status, timeout: 0 },
    latency_us: { mean: 0, stdev: 0, max: 0, p50: 2000, p90: 0, p99: 9000, p999: 0 },
  };
}

/** cpuTicks over 10 s at 100 Hz: 1000 ticks is one whole core. */
function target(name: AiTarget, rps: number, cpuTicks?: number, opts: { status?: number; busy?: number } = {}): AiTargetResult {
  return {
    name,
    wrk: wrk(rps, opts.status),
    wrkText: "",
    cpu: cpuTicks === undefined ? undefined : { cpu_ticks: cpuTicks, clk_tck: 100, proxy_cpu_busy_pct: opts.busy ?? Math.round(cpuTicks / 10) },
    mem: undefined,
    probe: undefined,
    callLog: undefined,
  };
}

const stat = (p50: number, p99: number) => ({ count: 100, mean: p50, p50, p90: p99, p99, p999: p99, max: p99 });

function streams(ttftP50Us: number, ttftP99Us: number, o: Partial<StreamsReport> = {}): StreamsReport {
  return {
    url: "http://x/",
    streams: 5000,
    rate: 1000,
    event_ms: 1000,
    hold_s: 10,
    connected: 5000,
    connect_errors: 0,
    sent: 5000,
    first_data: 5000,
    first_token: 5000,
    completed: 5000,
    non2xx: 0,
    errors: 0,
    unfinished: 0,
    statuses: { "200": 5000 },
    peak_open: 5000,
    open_at_sample: 5000,
    ttft_us: stat(ttftP50Us, ttftP99Us),
    ttfd_us: stat(1000, 2000),
    send_lag_us: stat(10, 20),
    ...o,
  };
}

function results(targets: AiTargetResult[], s: Partial<AiResults["streams"]> = {}, skipped: Record<string, string> = {}): AiResults {
  return {
    params: {
      busy_before: "",
      busy_before_max_pct: 0,
      duration_s: 10,
      warmup_s: 3,
      threads: 1,
      connections: 50,
      streams: 5000,
      stream_rate: 1000,
      event_ms: 1000,
      hold_s: 10,
      proxy_cpu: "0",
      load_cpus: "1",
      targets: "",
      portkey_version: "1",
      node_version: "v20",
      nofile: 20000,
    },
    targets,
    streams: { direct: undefined, waygate: undefined, ...s },
    skipped,
  };
}

describe("throughput", () => {
  test("ratios per busy core: nginx at a quarter core counts four times its req/s", () => {
    const s = summarizeAi(results([target("sim-openai", 12_000), target("nginx", 10_000, 250), target("waygate", 5_000, 1000), target("portkey", 200, 1000)]));
    const nginx = s.rows.find((r) => r.name === "nginx");
    expect(nginx?.proxyCores).toBeCloseTo(0.25, 9);
    expect(nginx?.rpsPerProxyCore).toBeCloseTo(40_000, 6);
    expect(s.rows.find((r) => r.name === "sim-openai")?.proxyCores).toBeUndefined();
    const vsNginx = s.ratios.find((r) => r.to === "nginx");
    expect(vsNginx?.rps).toBeCloseTo(0.5, 9);
    expect(vsNginx?.perCore).toBeCloseTo(0.125, 9);
    expect(s.ratios.find((r) => r.to === "portkey")?.perCore).toBeCloseTo(25, 9);
    expect(s.verdicts.map((v) => v.met).slice(0, 2)).toEqual([false, true]);
  });

  test("a ratio met with errors on either side is not met", () => {
    const s = summarizeAi(results([target("nginx", 1000, 1000), target("waygate", 900, 1000, { status: 5 }), target("portkey", 10, 1000)]));
    expect(s.verdicts[0]?.met).toBe(false);
    expect(s.verdicts[0]?.value).toContain("with errors: waygate");
    expect(s.verdicts[1]?.met).toBe(false);
  });

  test("a skipped target is not measured, with the reason", () => {
    const s = summarizeAi(results([target("nginx", 1000, 1000), target("waygate", 900, 1000)], {}, { portkey: "npm install failed" }));
    expect(s.verdicts[1]).toMatchObject({ met: undefined, value: "not measured (npm install failed)" });
  });

  test("other processes on the proxy core make a verdict unreliable", () => {
    const s = summarizeAi(results([target("nginx", 10_000, 300, { busy: 70 }), target("waygate", 5_000, 1000, { busy: 100 }), target("portkey", 100, 1000, { busy: 100 })]));
    expect(toAiRow(target("nginx", 10_000, 300, { busy: 70 })).interferencePct).toBe(40);
    expect(s.verdicts[0]?.caveat).toContain("40% of the proxy core during nginx");
    expect(s.verdicts[1]?.caveat).toBeUndefined();
  });
});

describe("streams", () => {
  const run = (r: StreamsReport, cpuTicks?: number, loopLag?: LoopLagBucket[]): StreamRun => ({
    report: r,
    cpu: cpuTicks === undefined ? undefined : { cpu_ticks: cpuTicks, clk_tck: 100, seconds: 20 },
    loopLag,
  });

  test("event-loop stalls during the run: how many ticks came over 10 ms late, and the worst one's bucket", () => {
    const buckets = (counts: number[]): LoopLagBucket[] =>
      [1, 2.5, 5, 10, 25, 50, 100, 250, Number.POSITIVE_INFINITY].map((le, i) => ({ le, count: counts[i]! }));
    const stalled = summarizeAi(results([], { waygate: run(streams(1, 1), 1000, buckets([900, 950, 960, 970, 980, 990, 996, 1000, 1000])) }));
    expect(stalled.streams.waygate).toMatchObject({ loopLate: 30, loopWorstMs: 250 });
    const calm = summarizeAi(results([], { waygate: run(streams(1, 1), 1000, buckets([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000])) }));
    expect(calm.streams.waygate).toMatchObject({ loopLate: 0, loopWorstMs: 1 });
    const unmeasured = summarizeAi(results([], { waygate: run(streams(1, 1), 1000) }));
    expect(unmeasured.streams.waygate).toMatchObject({ loopLate: undefined, loopWorstMs: undefined });
  });

  test("added time to first token and memory per open stream", () => {
    const s = summarizeAi(
      results([], {
        direct: run(streams(1_004_000, 1_010_000)),
        waygate: run(streams(1_005_000, 1_011_500, { rss_kb: { before: 100 * 1024, connected: 110 * 1024, open: 200 * 1024 }, open_at_sample: 4000 }), 1000),
      }),
    );
    const w = s.streams.waygate;
    expect(w?.addedP50Ms).toBeCloseTo(1, 9);
    expect(w?.addedP99Ms).toBeCloseTo(1.5, 9);
    expect(w?.kbPerStream).toBeCloseTo((100 * 1024) / 4000, 9);
    expect(w?.cores).toBeCloseTo(0.5, 9);
    expect(s.verdicts.slice(2).map((v) => v.met)).toEqual([true, true]);
  });

  test("streams that never opened fail the verdicts even with a good p99", () => {
    const s = summarizeAi(
      results([], {
        direct: run(streams(1_004_000, 1_010_000)),
        waygate: run(streams(1_004_500, 1_010_500, { peak_open: 256, unfinished: 4000, completed: 1000 })),
      }),
    );
    const failed = summarizeAi(results([], { direct: run(streams(1, 1)), waygate: run(streams(1, 1, { errors: 3, non2xx: 2, completed: 4995 })) }));
    expect(failed.verdicts[2]).toMatchObject({ met: false, value: "5,000 open at once, 5 failed" });
    expect(failed.verdicts[3]?.met).toBe(false);
    expect(s.verdicts[2]).toMatchObject({ met: false, value: "256 open at once, 4,000 not answered within the run" });
    expect(s.verdicts[3]?.met).toBe(false);
  });

  test("no stream run: not measured", () => {
    const s = summarizeAi(results([]));
    expect(s.verdicts.slice(2).map((v) => v.met)).toEqual([undefined, undefined]);
  });
});

test("the probe must be an OpenAI chat.completion with text and usage", () => {
  const good = JSON.stringify({ object: "chat.completion", choices: [{ message: { content: "hi" } }], usage: { prompt_tokens: 3, completion_tokens: 2 } });
  expect(checkChatCompletion({ status: 200, body: good })).toMatchObject({ ok: true });
  expect(checkChatCompletion({ status: 401, body: good })).toMatchObject({ ok: false, detail: "status 401" });
  expect(checkChatCompletion({ status: 200, body: '{"type":"message","content":[]}' }).ok).toBe(false);
  expect(checkChatCompletion({ status: 200, body: good.replace('"prompt_tokens":3', '"prompt_tokens":0') }).detail).toBe("no token usage");
  expect(checkChatCompletion({ status: 200, body: "<html>" }).detail).toBe("body is not JSON");
});

test("the AI section is replaced without touching the REST results", () => {
  const doc = `# B\n\n<!-- bench:results:start -->\nrest\n<!-- bench:results:end -->\n\n## AI\n\n${AI_START}\nold\n${AI_END}\n\ntail\n`;
  const out = replaceSection(doc, AI_START, AI_END, "new ai");
  expect(out).toBe(doc.replace("old", "new ai"));
  expect(replaceSection("# B\n", AI_START, AI_END, "x")).toBe(`# B\n\n${AI_START}\nx\n${AI_END}\n`);
});
