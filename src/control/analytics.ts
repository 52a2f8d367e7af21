/**
 * GET /admin/analytics/{timeseries,top,compare,health}: time series, top-N,
 * period-over-period comparison and the health history of upstream
 * targets, from the rollups the gateways write (src/analytics). Every
 * answer is limited to the teams in the caller's scope; calls and targets
 * without a team are visible only to an unrestricted caller.
 */
import type { RollupStore } from "../analytics/rollup-store.ts";
import { DIMENSIONS, type Dimension } from "../analytics/dimensions.ts";
import { METRIC_NAMES, isMetric } from "../analytics/metrics.ts";
import { type Range, type Selection, compare, timeSeries, topN } from "../analytics/query.ts";
import { SqlRollupStore } from "../analytics/sql-rollup-store.ts";
import { STEP_MS, STEPS, type Step, bucketStart, isStep } from "../analytics/steps.ts";
import type { Kind } from "../config/entities.ts";
import { WaygateError, errorResponse } from "../core/errors.ts";
import type { Store } from "../store/store.ts";
import type { AdminCall } from "./extensions.ts";
import type { Result } from "./resources.ts";

export interface AnalyticsServices {
  rollups: RollupStore;
}

const DAY = STEP_MS.day;
const MAX_POINTS = 10_000;
const MAX_TOP = 100;
const MAX_HEALTH_EVENTS = 1000;
const FILTERS: readonly string[] = DIMENSIONS;
const TOP_BY = [...DIMENSIONS, "error_code"] as const;
const ENTITY_OF: Partial<Record<Dimension, Kind>> = { team: "teams", service: "services", route: "routes", application: "applications" };
const PERIODS = ["hour", "day", "week"] as const;

type Query = URLSearchParams;

export async function analyticsRoute(call: AdminCall): Promise<Result | Response> {
  const [what, ...more] = call.rest;
  if (what === undefined || more.length > 0 || !["timeseries", "top", "compare", "health"].includes(what)) {
    throw new WaygateError("not_found", `no such resource: ${call.url.pathname}; use /admin/analytics/timeseries, top, compare or health`);
  }
  if (call.req.method !== "GET") return errorResponse(new WaygateError("method_not_allowed", "method not allowed; use GET"), undefined, { allow: "GET" });
  const rollups = call.services.analytics?.rollups ?? new SqlRollupStore(call.store.db);
  const q = call.url.searchParams;
  const teams = call.scope.kind === "all" ? null : [...call.scope.teams];
  const now = Date.now();
  switch (what) {
    case "timeseries":
      return series(rollups, q, teams, now);
    case "top":
      return top(rollups, call.store, q, teams, now);
    case "compare":
      return comparison(rollups, q, teams, now);
    default:
      return health(rollups, q, teams, now);
  }
}

async function series(rollups: RollupStore, q: Query, teams: string[] | null, now: number): Promise<Result> {
  allowOnly(q, ["metrics", "step", "from", "to", ...FILTERS]);
  const range = parseRange(q, now);
  const step = parseStep(q.get("step"), range);
  if ((range.to - range.from) / STEP_MS[step] > MAX_POINTS) throw invalid("step", `more than ${MAX_POINTS} points; use a coarser step or a shorter range`);
  const metrics = parseMetrics(q.get("metrics"), ["calls", "errors", "latency_p50", "latency_p95", "latency_p99"]);
  const points = await timeSeries(rollups, selection(q, teams), range, step, metrics);
  return {
    status: 200,
    body: { step, from: iso(range.from), to: iso(range.to), metrics, points: points.map((p) => ({ t: iso(p.t), ...p.values })) },
  };
}

async function top(rollups: RollupStore, store: Store, q: Query, teams: string[] | null, now: number): Promise<Result> {
  allowOnly(q, ["by", "metric", "limit", "from", "to", ...FILTERS]);
  const by = q.get("by");
  if (by === null || !(TOP_BY as readonly string[]).includes(by)) throw invalid("by", `must be one of ${TOP_BY.join(", ")}`);
  const metric = parseMetrics(q.get("metric"), ["calls"]);
  if (metric.length !== 1) throw invalid("metric", "give exactly one metric");
  const limit = intParam(q.get("limit"), 10, 1, MAX_TOP, "limit");
  const range = parseRange(q, now);
  const dim = by as Dimension | "error_code";
  const items = await topN(rollups, selection(q, teams), range, dim, metric[0]!, limit);
  const kind = dim === "error_code" ? undefined : ENTITY_OF[dim];
  const named = await Promise.all(items.map(async (item) => ({ ...item, name: kind ? await nameOf(store, kind, item.key) : item.key })));
  return { status: 200, body: { by, metric: metric[0], from: iso(range.from), to: iso(range.to), items: named } };
}

async function comparison(rollups: RollupStore, q: Query, teams: string[] | null, now: number): Promise<Result> {
  allowOnly(q, ["metrics", "period", "from", "to", "previous_from", "previous_to", ...FILTERS]);
  const metrics = parseMetrics(q.get("metrics"), ["calls", "errors", "error_rate", "latency_p95", "cost_usd"]);
  const period = q.get("period");
  let current: Range;
  let previous: Range;
  if (period !== null) {
    if (q.has("from") || q.has("to") || q.has("previous_from") || q.has("previous_to")) throw invalid("period", "give either period or from/to, not both");
    if (!(PERIODS as readonly string[]).includes(period)) throw invalid("period", `must be one of ${PERIODS.join(", ")}`);
    ({ current, previous } = periodRanges(period as (typeof PERIODS)[number], now));
  } else {
    current = parseRange(q, now);
    const span = current.to - current.from;
    const pf = q.get("previous_from");
    const pt = q.get("previous_to");
    previous = pf === null && pt === null ? { from: current.from - span, to: current.from } : checkedRange(pf === null ? NaN : time(pf, "previous_from"), pt === null ? NaN : time(pt, "previous_to"), "previous_from");
  }
  const result = await compare(rollups, selection(q, teams), current, previous, metrics);
  return {
    status: 200,
    body: {
      metrics,
      current: { from: iso(result.current.from), to: iso(result.current.to), values: result.current.values },
      previous: { from: iso(result.previous.from), to: iso(result.previous.to), values: result.previous.values },
      change: result.change,
    },
  };
}

async function health(rollups: RollupStore, q: Query, teams: string[] | null, now: number): Promise<Result> {
  allowOnly(q, ["upstream", "target", "from", "to", "limit"]);
  const range = parseRange(q, now);
  const upstream = q.get("upstream");
  const target = q.get("target");
  const events = await rollups.healthEvents({
    ...range,
    ...(upstream !== null ? { upstream_id: upstream } : {}),
    ...(target !== null ? { target } : {}),
    teams,
    limit: intParam(q.get("limit"), 100, 1, MAX_HEALTH_EVENTS, "limit"),
  });
  return {
    status: 200,
    body: {
      from: iso(range.from),
      to: iso(range.to),
      events: events.map((e) => ({ at: iso(e.ts), event: e.event, upstream_id: e.upstream_id, target: e.target, team_id: e.team_id || null, detail: e.detail })),
    },
  };
}

/** This hour/day/week so far (UTC; weeks start on Monday) against the same stretch of the one before. */
export function periodRanges(period: (typeof PERIODS)[number], now: number): { current: Range; previous: Range } {
  let start: number;
  let length: number;
  if (period === "week") {
    const today = bucketStart(now, "day");
    const sinceMonday = (new Date(today).getUTCDay() + 6) % 7;
    start = today - sinceMonday * DAY;
    length = 7 * DAY;
  } else {
    start = bucketStart(now, period);
    length = STEP_MS[period];
  }
  return { current: { from: start, to: now }, previous: { from: start - length, to: now - length } };
}

function selection(q: Query, teams: string[] | null): Selection {
  const filter: Partial<Record<Dimension, string>> = {};
  for (const d of DIMENSIONS) {
    const v = q.get(d);
    if (v !== null) filter[d] = v;
  }
  return { filter, teams };
}

function parseRange(q: Query, now: number): Range {
  const toText = q.get("to");
  const fromText = q.get("from");
  const to = toText === null ? now : time(toText, "to");
  const from = fromText === null ? to - DAY : time(fromText, "from");
  return checkedRange(from, to, "from");
}

function checkedRange(from: number, to: number, path: string): Range {
  if (Number.isNaN(from) || Number.isNaN(to)) throw invalid(path, "give both ends of the range");
  if (from >= to) throw invalid(path, "must be before the end of the range");
  return { from, to };
}

/** ISO-8601 or epoch milliseconds. */
function time(value: string, path: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw invalid(path, "must be an ISO-8601 date-time (2026-11-01T00:00:00Z) or epoch milliseconds");
  return ms;
}

/** The chosen step, or one giving at most a few hundred points. */
function parseStep(value: string | null, range: Range): Step {
  if (value !== null) {
    if (!isStep(value)) throw invalid("step", `must be one of ${STEPS.join(", ")}`);
    return value;
  }
  const span = range.to - range.from;
  return span <= 6 * STEP_MS.hour ? "minute" : span <= 14 * DAY ? "hour" : "day";
}

function parseMetrics(value: string | null, fallback: string[]): string[] {
  if (value === null) return fallback;
  const names = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0 || names.length > 20) throw invalid("metrics", "give 1 to 20 comma-separated metric names");
  for (const n of names) if (!isMetric(n)) throw invalid("metrics", `unknown metric '${n}'; known: ${METRIC_NAMES.join(", ")}`);
  return names;
}

function intParam(value: string | null, fallback: number, min: number, max: number, path: string): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(path, `must be an integer from ${min} to ${max}`);
  return n;
}

function allowOnly(q: Query, allowed: readonly string[]): void {
  for (const key of q.keys()) {
    if (!allowed.includes(key)) throw new WaygateError("bad_request", `unknown query parameter '${key}'; allowed: ${allowed.join(", ")}`);
  }
}

async function nameOf(store: Store, kind: Kind, id: string): Promise<string | null> {
  if (id === "" || id === "(other)") return null;
  const entity = (await store.get(kind, id).catch(() => null)) as { name?: unknown } | null;
  return typeof entity?.name === "string" ? entity.name : null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function invalid(path: string, message: string): WaygateError {
  return new WaygateError("validation_failed", "invalid query parameter", { details: [{ path, message }] });
}
