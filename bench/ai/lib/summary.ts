/**
 * The AI benchmark's numbers from its raw results: one row per target, the
 * Waygate/nginx and Waygate/Portkey ratios, the streaming figures and the
 * verdict on each target. Pure, so the arithmetic is tested without running
 * a benchmark.
 */
import { interference, wrkColumns } from "../../lib/summary.ts";
import type { AiResults, AiTarget, AiTargetResult, CallLogSummary, LoopLagBucket, Probe, StreamRun } from "./results.ts";

export const AI_LABELS: Record<AiTarget, string> = {
  "sim-openai": "simulator direct, OpenAI format",
  "sim-anthropic": "simulator direct, Anthropic format",
  nginx: "nginx proxy_pass to the simulator (no translation)",
  waygate: "Waygate, OpenAI → Anthropic, key auth + call log",
  portkey: "Portkey gateway, OpenAI → Anthropic",
};

export const AI_GOALS = { vsNginxPerCore: 0.35, vsPortkeyPerCore: 20, streams: 5000, addedTtftP99Ms: 2 } as const;

export interface AiRow {
  name: AiTarget;
  label: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
  /** CPU the proxy used, in cores; undefined for the simulator's own rows. */
  proxyCores: number | undefined;
  rpsPerProxyCore: number | undefined;
  proxyCpuBusyPct: number | undefined;
  /** Other processes' share of the proxy core during the run, when large enough to distrust it. */
  interferencePct: number | undefined;
  rssMaxMb: number | undefined;
  probe: ProbeCheck | undefined;
  callLog: CallLogSummary | undefined;
}

export interface AiRatio {
  of: AiTarget;
  to: AiTarget;
  rps: number;
  perCore: number | undefined;
}

/** One stream run through Waygate, against the run direct to the simulator. */
export interface StreamFigures {
  streams: number;
  peakOpen: number;
  /** Streams that failed: connect or socket errors and non-2xx answers. */
  failed: number;
  unfinished: number;
  ttftP50Ms: number | undefined;
  ttftP99Ms: number | undefined;
  addedP50Ms: number | undefined;
  addedP99Ms: number | undefined;
  rssBeforeMb: number | undefined;
  rssOpenMb: number | undefined;
  /** (RSS with the streams open − RSS before connecting) / streams open then. */
  kbPerStream: number | undefined;
  /** Share of a core Waygate used while the streams ran. */
  cores: number | undefined;
  /** Event-loop ticks that came more than LOOP_LATE_MS late during the run. */
  loopLate: number | undefined;
  /** The bucket bound the worst event-loop delay of the run stayed within, in ms (Infinity: beyond the largest). */
  loopWorstMs: number | undefined;
}

/** An event-loop delay counted as a stall in the stream report. */
export const LOOP_LATE_MS = 10;

function loopFigures(buckets: LoopLagBucket[] | undefined): { loopLate: number | undefined; loopWorstMs: number | undefined } {
  const total = buckets?.at(-1)?.count;
  if (!buckets || total === undefined || total === 0) return { loopLate: undefined, loopWorstMs: undefined };
  const within = buckets.find((b) => b.le === LOOP_LATE_MS)?.count;
  return { loopLate: within === undefined ? undefined : total - within, loopWorstMs: buckets.find((b) => b.count === total)?.le };
}

export interface StreamSummary {
  direct: { ttftP50Ms: number | undefined; ttftP99Ms: number | undefined; failed: number } | undefined;
  waygate: StreamFigures | undefined;
}

export interface AiVerdict {
  what: string;
  value: string;
  target: string;
  met: boolean | undefined;
  caveat?: string;
}

export interface AiSummary {
  rows: AiRow[];
  ratios: AiRatio[];
  streams: StreamSummary;
  verdicts: AiVerdict[];
}

export interface ProbeCheck {
  ok: boolean;
  status: number;
  detail: string;
}

/** Whether a probe's answer is an OpenAI chat.completion with text and token usage. */
export function checkChatCompletion(p: Probe): ProbeCheck {
  if (p.status !== 200) return { ok: false, status: p.status, detail: `status ${p.status}` };
  let body: unknown;
  try {
    body = JSON.parse(p.body);
  } catch {
    return { ok: false, status: p.status, detail: "body is not JSON" };
  }
  const b = body as { object?: unknown; choices?: Array<{ message?: { content?: unknown } }>; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
  if (b.object !== "chat.completion") return { ok: false, status: p.status, detail: `object is ${JSON.stringify(b.object)}, not "chat.completion"` };
  const content = b.choices?.[0]?.message?.content;
  if (typeof content !== "string" || content === "") return { ok: false, status: p.status, detail: "no message text" };
  const inTok = b.usage?.prompt_tokens;
  const outTok = b.usage?.completion_tokens;
  if (typeof inTok !== "number" || typeof outTok !== "number" || inTok <= 0 || outTok <= 0) return { ok: false, status: p.status, detail: "no token usage" };
  return { ok: true, status: p.status, detail: `chat.completion, usage ${inTok} in / ${outTok} out` };
}

const isProxy = (n: AiTarget): boolean => n === "nginx" || n === "waygate" || n === "portkey";

export function toAiRow(t: AiTargetResult): AiRow {
  const columns = wrkColumns(t.wrk, t.cpu, isProxy(t.name));
  const proxyCores = columns.proxyCores;
  return {
    name: t.name,
    label: AI_LABELS[t.name],
    ...columns,
    interferencePct: isProxy(t.name) ? interference(t.cpu?.proxy_cpu_busy_pct, proxyCores === undefined ? undefined : proxyCores * 100) : undefined,
    rssMaxMb: t.mem ? t.mem.vmrss_max_kb / 1024 : undefined,
    probe: t.probe ? checkChatCompletion(t.probe) : undefined,
    callLog: t.callLog,
  };
}

function ratio(of: AiRow | undefined, to: AiRow | undefined): AiRatio | undefined {
  if (!of || !to || to.rps <= 0) return undefined;
  const perCore = of.rpsPerProxyCore !== undefined && to.rpsPerProxyCore ? of.rpsPerProxyCore / to.rpsPerProxyCore : undefined;
  return { of: of.name, to: to.name, rps: of.rps / to.rps, perCore };
}

const ms = (us: number | null | undefined): number | undefined => (us === null || us === undefined ? undefined : us / 1000);
const diff = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);

export function streamFigures(direct: StreamRun | undefined, run: StreamRun | undefined): StreamFigures | undefined {
  if (!run) return undefined;
  const w = run.report;
  const rss = w.rss_kb;
  const ttftP50Ms = ms(w.ttft_us.p50);
  const ttftP99Ms = ms(w.ttft_us.p99);
  const d = direct?.report;
  return {
    streams: w.streams,
    peakOpen: w.peak_open,
    failed: w.errors + w.connect_errors + w.non2xx,
    unfinished: w.unfinished,
    ttftP50Ms,
    ttftP99Ms,
    addedP50Ms: diff(ttftP50Ms, ms(d?.ttft_us.p50)),
    addedP99Ms: diff(ttftP99Ms, ms(d?.ttft_us.p99)),
    rssBeforeMb: rss ? rss.before / 1024 : undefined,
    rssOpenMb: rss ? rss.open / 1024 : undefined,
    kbPerStream: rss && w.open_at_sample > 0 ? (rss.open - rss.before) / w.open_at_sample : undefined,
    cores: run.cpu && run.cpu.clk_tck > 0 && run.cpu.seconds > 0 ? run.cpu.cpu_ticks / run.cpu.clk_tck / run.cpu.seconds : undefined,
    ...loopFigures(run.loopLag),
  };
}

export function summarizeStreams(s: AiResults["streams"]): StreamSummary {
  const d = s.direct?.report;
  return {
    direct: d ? { ttftP50Ms: ms(d.ttft_us.p50), ttftP99Ms: ms(d.ttft_us.p99), failed: d.errors + d.connect_errors + d.non2xx + d.unfinished } : undefined,
    waygate: streamFigures(s.direct, s.waygate),
  };
}

export function summarizeAi(results: AiResults): AiSummary {
  const rows = results.targets.map(toAiRow);
  const row = (n: AiTarget): AiRow | undefined => rows.find((r) => r.name === n);
  const ratios = [ratio(row("waygate"), row("nginx")), ratio(row("waygate"), row("portkey"))].filter((r): r is AiRatio => r !== undefined);
  const streams = summarizeStreams(results.streams);
  return { rows, ratios, streams, verdicts: aiVerdicts(rows, ratios, streams, results.skipped) };
}

const clean = (r: AiRow): boolean => r.non2xx === 0 && r.socketErrors === 0;

function busyCaveat(rs: Array<AiRow | undefined>): string | undefined {
  const hit = rs.filter((r): r is AiRow => r?.interferencePct !== undefined);
  return hit.length > 0 ? `other processes used ${hit.map((r) => `${Math.round(r.interferencePct ?? 0)}% of the proxy core during ${r.name}`).join(", ")}` : undefined;
}

function ratioVerdict(rows: AiRow[], r: AiRatio | undefined, to: AiTarget, goal: number, skipped: string | undefined): AiVerdict {
  const what = `Waygate req/s per busy core vs ${to === "nginx" ? "nginx" : "Portkey"}`;
  const target = `≥ ${goal}×`;
  if (!r || r.perCore === undefined) return { what, value: skipped ? `not measured (${skipped})` : "not measured", target, met: undefined };
  const w = rows.find((x) => x.name === "waygate");
  const base = rows.find((x) => x.name === to);
  const errors = [w, base].filter((x): x is AiRow => x !== undefined && !clean(x)).map((x) => x.name);
  const value = `${r.perCore.toFixed(2)}×` + (errors.length > 0 ? ` (with errors: ${errors.join(", ")})` : "");
  const caveat = busyCaveat([w, base]);
  return { what, value, target, met: r.perCore >= goal && errors.length === 0, ...(caveat ? { caveat } : {}) };
}

function aiVerdicts(rows: AiRow[], ratios: AiRatio[], streams: StreamSummary, skipped: Record<string, string>): AiVerdict[] {
  const s = streams.waygate;
  const out: AiVerdict[] = [
    ratioVerdict(rows, ratios.find((r) => r.to === "nginx"), "nginx", AI_GOALS.vsNginxPerCore, skipped.nginx),
    ratioVerdict(rows, ratios.find((r) => r.to === "portkey"), "portkey", AI_GOALS.vsPortkeyPerCore, skipped.portkey),
  ];
  const target = `${AI_GOALS.streams.toLocaleString("en-US")} on one core`;
  if (!s) {
    out.push({ what: "Concurrent streams through Waygate", value: "not measured", target, met: undefined });
    out.push({ what: "Added time to first token, p99", value: "not measured", target: `< ${AI_GOALS.addedTtftP99Ms} ms`, met: undefined });
    return out;
  }
  const failures = s.failed + s.unfinished;
  out.push({
    what: "Concurrent streams through Waygate",
    value:
      `${s.peakOpen.toLocaleString("en-US")} open at once` +
      (s.failed > 0 ? `, ${s.failed.toLocaleString("en-US")} failed` : "") +
      (s.unfinished > 0 ? `, ${s.unfinished.toLocaleString("en-US")} not answered within the run` : ""),
    target,
    met: s.peakOpen >= AI_GOALS.streams && failures === 0,
  });
  out.push({
    what: "Added time to first token, p99",
    value: s.addedP99Ms === undefined ? "not measured" : `${s.addedP99Ms.toFixed(3)} ms`,
    target: `< ${AI_GOALS.addedTtftP99Ms} ms`,
    met: s.addedP99Ms === undefined ? undefined : s.addedP99Ms < AI_GOALS.addedTtftP99Ms && failures === 0 && (streams.direct?.failed ?? 0) === 0,
  });
  return out;
}
