import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RollupAggregator } from "../../src/analytics/aggregator.ts";
import { DDSketch } from "../../src/analytics/sketch.ts";
import { SqlRollupStore } from "../../src/analytics/sql-rollup-store.ts";
import { INPUT_SCHEMAS } from "../../src/config/entities.ts";
import { analyticsRoute, periodRanges } from "../../src/control/analytics.ts";
import type { Result } from "../../src/control/resources.ts";
import { ALL_TEAMS, type TeamScope, teamsScope } from "../../src/control/scope.ts";
import type { EntityData } from "../../src/store/store.ts";
import { type TestDatabase, sqliteBackend } from "../store/backends.ts";
import { type CallSpec, call, exactQuantile, rng } from "./records.ts";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2026-11-02, 10:00 UTC. */
const T0 = Date.UTC(2026, 10, 2, 10, 0);

let db: TestDatabase;
let rollups: SqlRollupStore;
const specs: CallSpec[] = [];

function add(n: number, s: Omit<CallSpec, "ms">, ms: (i: number) => number): void {
  for (let i = 0; i < n; i++) specs.push({ ...s, ms: ms(i) });
}

beforeAll(async () => {
  db = await sqliteBackend.fresh();
  rollups = new SqlRollupStore(db.store.db);
  const team = await db.store.create("teams", INPUT_SCHEMAS.teams.parse({ name: "payments" }) as unknown as EntityData<"teams">, "team-a");
  await db.store.create("services", INPUT_SCHEMAS.services.parse({ name: "ledger", team_id: team.id }) as unknown as EntityData<"services">, "svc-a1");

  const r = rng(5);
  // Team a: two services over three minutes of hour 10 and one of hour 11; errors on a2.
  for (const m of [0, 1, 2]) add(100, { ts: T0 + m * MIN + 1000, team: "team-a", service: "svc-a1", route: "ra1" }, () => 5 + r() * 40 * (m + 1));
  add(30, { ts: T0 + 90 * MIN, team: "team-a", service: "svc-a1", route: "ra1" }, () => 300 + r() * 100);
  add(20, { ts: T0 + MIN + 5, team: "team-a", service: "svc-a2", route: "ra2", status: 502, code: "upstream_error" }, () => 1000);
  add(10, { ts: T0 + MIN + 6, team: "team-a", service: "svc-a2", route: "ra2", status: 404 }, () => 3);
  add(5, { ts: T0 + 2 * MIN, team: "team-a", service: "svc-a3", route: "ra3", model: "gpt-4o", provider: "openai", cost: 0.01, tokensIn: 100, tokensOut: 20 }, () => 700);
  add(2, { ts: T0 + 2 * MIN, team: "team-a", service: "svc-a3", route: "ra3", model: "claude-sonnet", provider: "anthropic", cost: 0.05, tokensIn: 300, tokensOut: 40 }, () => 900);
  // Team b and a global service: bigger, so a leak would show.
  add(400, { ts: T0 + 30_000, team: "team-b", service: "svc-b1", route: "rb1", status: 500, code: "internal_error" }, () => 50);
  add(50, { ts: T0 + 30_000, team: null, service: "svc-g", route: "rg" }, () => 1);
  // The day before, same hour: fewer calls on a1.
  add(150, { ts: T0 - DAY + 5 * MIN, team: "team-a", service: "svc-a1", route: "ra1" }, () => 20);

  const agg = new RollupAggregator(rollups, { flushMs: 3_600_000, now: () => T0 + 2 * HOUR });
  for (const s of specs) agg.observe(call(s));
  agg.recordHealth({ ts: T0 + 5000, team_id: "team-a", upstream_id: "up-a", target: "http://a:1", event: "breaker_opened", detail: { failure_rate_percent: 75 } });
  agg.recordHealth({ ts: T0 + 6000, team_id: "team-b", upstream_id: "up-b", target: "http://b:1", event: "outlier_ejected", detail: {} });
  await agg.close();
});
afterAll(async () => {
  await db.dispose();
});

async function get(path: string, scope: TeamScope = ALL_TEAMS, method = "GET"): Promise<{ status: number; body: any }> {
  const url = new URL(`http://admin.test/admin/analytics/${path}`);
  const res = await analyticsRoute({
    req: new Request(url.toString(), { method }),
    url,
    rest: url.pathname.split("/").slice(3),
    scope,
    store: db.store,
    services: { analytics: { rollups } },
  }).catch((err: unknown) => err);
  if (res instanceof Response) return { status: res.status, body: await res.json() };
  if (res instanceof Error) return { status: (res as Error & { status: number }).status, body: { error: { code: (res as Error & { code: string }).code } } };
  return { status: (res as Result).status, body: (res as Result).body };
}

const iso = (ms: number) => new Date(ms).toISOString();
const range = (from: number, to: number) => `from=${iso(from)}&to=${iso(to)}`;
const matching = (f: (s: CallSpec) => boolean) => specs.filter(f);

describe("time series", () => {
  test("per minute: calls and errors of each minute", async () => {
    const res = await get(`timeseries?metrics=calls,errors,errors_4xx,errors_5xx&step=minute&${range(T0, T0 + 3 * MIN)}&team=team-a`);
    expect(res.status).toBe(200);
    expect(res.body.step).toBe("minute");
    expect(res.body.points).toEqual([
      { t: iso(T0), calls: 100, errors: 0, errors_4xx: 0, errors_5xx: 0 },
      { t: iso(T0 + MIN), calls: 130, errors: 30, errors_4xx: 10, errors_5xx: 20 },
      { t: iso(T0 + 2 * MIN), calls: 107, errors: 0, errors_4xx: 0, errors_5xx: 0 },
    ]);
  });

  test("per hour: percentiles come from the merged minutes (within α of the exact ones), not from averages", async () => {
    const res = await get(`timeseries?metrics=calls,latency_p50,latency_p95,latency_p99&step=hour&${range(T0, T0 + 2 * HOUR)}&service=svc-a1`);
    const [h10, h11] = res.body.points;
    const values = matching((s) => s.service === "svc-a1" && s.ts >= T0 && s.ts < T0 + HOUR).map((s) => s.ms);
    expect(h10.calls).toBe(300);
    const sketch = new DDSketch();
    for (const v of values) sketch.add(v);
    for (const [name, q] of [["latency_p50", 0.5], ["latency_p95", 0.95], ["latency_p99", 0.99]] as const) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(h10[name] - exact)).toBeLessThanOrEqual(0.01 * exact + 1e-6);
      expect(h10[name]).toBeCloseTo(sketch.quantile(q), 5);
    }
    expect(h11.calls).toBe(30);
    expect(h11.latency_p50).toBeGreaterThanOrEqual(300 * 0.99);
  });

  test("per day: the day's row holds every call of the day", async () => {
    const res = await get(`timeseries?metrics=calls,tokens_in,tokens_out,cost_usd&step=day&${range(Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 3))}`);
    const today = specs.filter((s) => s.ts >= T0 - 10 * HOUR);
    expect(res.body.points.map((p: { calls: number }) => p.calls)).toEqual([150, today.length]);
    expect(res.body.points[1]).toMatchObject({ tokens_in: 5 * 100 + 2 * 300, tokens_out: 5 * 20 + 2 * 40, cost_usd: 0.15 });
  });

  test("empty buckets are zero, latency null", async () => {
    const res = await get(`timeseries?metrics=calls,latency_p99&step=minute&${range(T0 + 10 * MIN, T0 + 11 * MIN)}`);
    expect(res.body.points).toEqual([{ t: iso(T0 + 10 * MIN), calls: 0, latency_p99: null }]);
  });
});

describe("tenant isolation", () => {
  const teamA = teamsScope(["team-a"]);

  test("a team's series counts only its own calls", async () => {
    const res = await get(`timeseries?metrics=calls&step=hour&${range(T0, T0 + HOUR)}`, teamA);
    expect(res.body.points[0].calls).toBe(matching((s) => s.team === "team-a" && s.ts >= T0 && s.ts < T0 + HOUR).length);
    const all = await get(`timeseries?metrics=calls&step=hour&${range(T0, T0 + HOUR)}`);
    expect(all.body.points[0].calls).toBe(matching((s) => s.ts >= T0 && s.ts < T0 + HOUR).length);
  });

  test("asking for another team's numbers by filter gives nothing", async () => {
    const res = await get(`timeseries?metrics=calls&step=hour&${range(T0, T0 + HOUR)}&team=team-b`, teamA);
    expect(res.body.points[0].calls).toBe(0);
    const svc = await get(`top?by=service&${range(T0, T0 + HOUR)}&service=svc-b1`, teamA);
    expect(svc.body.items).toEqual([]);
  });

  test("top-N, error codes and comparisons never show another team's keys", async () => {
    const services = await get(`top?by=service&limit=100&${range(T0 - DAY, T0 + DAY)}`, teamA);
    expect(services.body.items.map((i: { key: string }) => i.key).sort()).toEqual(["svc-a1", "svc-a2", "svc-a3"]);
    const codes = await get(`top?by=error_code&${range(T0 - DAY, T0 + DAY)}`, teamA);
    expect(codes.body.items.map((i: { key: string }) => i.key).sort()).toEqual(["http_404", "upstream_error"]);
    const cmp = await get(`compare?metrics=calls&${range(T0, T0 + HOUR)}`, teamA);
    expect(cmp.body.current.values.calls).toBe(matching((s) => s.team === "team-a" && s.ts >= T0 && s.ts < T0 + HOUR).length);
  });

  test("health history of another team's targets is hidden", async () => {
    const mine = await get(`health?${range(T0, T0 + HOUR)}`, teamA);
    expect(mine.body.events.map((e: { upstream_id: string }) => e.upstream_id)).toEqual(["up-a"]);
    const all = await get(`health?${range(T0, T0 + HOUR)}`);
    expect(all.body.events.map((e: { event: string }) => e.event)).toEqual(["outlier_ejected", "breaker_opened"]);
    expect(all.body.events[1]).toMatchObject({ at: iso(T0 + 5000), target: "http://a:1", team_id: "team-a", detail: { failure_rate_percent: 75 } });
  });

  test("an empty scope sees nothing", async () => {
    const res = await get(`top?by=team&${range(T0 - DAY, T0 + DAY)}`, teamsScope([]));
    expect(res.body.items).toEqual([]);
  });
});

describe("top-N", () => {
  test("services by calls, limited, with entity names", async () => {
    const res = await get(`top?by=service&metric=calls&limit=2&${range(T0, T0 + 2 * HOUR)}`);
    expect(res.body.items).toEqual([
      { key: "svc-b1", value: 400, calls: 400, errors: 400, name: null },
      { key: "svc-a1", value: 330, calls: 330, errors: 0, name: "ledger" },
    ]);
  });

  test("routes by p99 latency, models by cost, error codes by count", async () => {
    const routes = await get(`top?by=route&metric=latency_p99&limit=1&${range(T0, T0 + 2 * HOUR)}`);
    expect(routes.body.items[0].key).toBe("ra2");
    expect(Math.abs(routes.body.items[0].value - 1000)).toBeLessThanOrEqual(10);
    const models = await get(`top?by=model&metric=cost_usd&${range(T0, T0 + 2 * HOUR)}`);
    expect(models.body.items.map((i: { key: string; value: number }) => [i.key, i.value])).toEqual([
      ["claude-sonnet", 0.1],
      ["gpt-4o", 0.05],
    ]);
    const codes = await get(`top?by=error_code&${range(T0, T0 + 2 * HOUR)}`);
    expect(codes.body.items.map((i: { key: string; value: number }) => [i.key, i.value])).toEqual([
      ["internal_error", 400],
      ["upstream_error", 20],
      ["http_404", 10],
    ]);
  });

  test("a range not on hour boundaries counts exactly its minutes", async () => {
    const res = await get(`top?by=service&${range(T0 + MIN, T0 + 90 * MIN + 1)}&team=team-a`);
    const want = matching((s) => s.team === "team-a" && s.ts >= T0 + MIN && s.ts < T0 + 91 * MIN && s.service === "svc-a1").length;
    expect(res.body.items.find((i: { key: string }) => i.key === "svc-a1").calls).toBe(want);
  });
});

describe("period over period", () => {
  test("one hour against the same hour the day before", async () => {
    const res = await get(`compare?metrics=calls,errors,latency_max&service=svc-a1&${range(T0, T0 + HOUR)}&previous_from=${iso(T0 - DAY)}&previous_to=${iso(T0 - DAY + HOUR)}`);
    expect(res.status).toBe(200);
    expect(res.body.current.values.calls).toBe(300);
    expect(res.body.previous.values.calls).toBe(150);
    expect(res.body.change.calls).toEqual({ delta: 150, percent: 100 });
    expect(res.body.change.errors).toEqual({ delta: 0, percent: null });
    expect(res.body.previous.values.latency_max).toBe(20);
  });

  test("without a previous range, the same length right before", async () => {
    const res = await get(`compare?metrics=calls&${range(T0, T0 + HOUR)}`);
    expect(res.body.previous).toMatchObject({ from: iso(T0 - HOUR), to: iso(T0) });
  });

  test("period=week: Monday 00:00 UTC until now, against the same stretch a week earlier", () => {
    const now = Date.UTC(2026, 10, 5, 15, 30); // a Thursday
    const { current, previous } = periodRanges("week", now);
    expect(current).toEqual({ from: Date.UTC(2026, 10, 2), to: now });
    expect(previous).toEqual({ from: Date.UTC(2026, 9, 26), to: now - 7 * DAY });
    expect(periodRanges("day", now).previous).toEqual({ from: Date.UTC(2026, 10, 4), to: now - DAY });
  });
});

describe("bad requests", () => {
  test("unknown metric, step, dimension or parameter; inverted range; wrong method", async () => {
    expect((await get("timeseries?metrics=bogus")).body.error.code).toBe("validation_failed");
    expect((await get("timeseries?step=week")).body.error.code).toBe("validation_failed");
    expect((await get("top?by=colour")).body.error.code).toBe("validation_failed");
    expect((await get("top?by=service&limit=0")).body.error.code).toBe("validation_failed");
    expect((await get("timeseries?colour=red")).body.error.code).toBe("bad_request");
    expect((await get(`timeseries?from=${iso(T0)}&to=${iso(T0 - 1)}`)).body.error.code).toBe("validation_failed");
    expect((await get("timeseries?from=yesterday")).body.error.code).toBe("validation_failed");
    expect((await get(`timeseries?step=minute&${range(T0 - 30 * DAY, T0)}`)).body.error.code).toBe("validation_failed");
    expect((await get("compare?period=week&from=1")).body.error.code).toBe("validation_failed");
    expect((await get("nothing")).status).toBe(404);
    expect((await get("top", ALL_TEAMS, "POST")).status).toBe(405);
  });
});
