/**
 * The RollupStore suite, run against every database: rollups and health
 * events must read back the same whichever store is behind them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RollupCell } from "../../src/analytics/cell.ts";
import type { RollupKey } from "../../src/analytics/dimensions.ts";
import type { HealthEvent, RollupEntry, RollupStore } from "../../src/analytics/rollup-store.ts";
import { DEFAULT_RETENTION } from "../../src/analytics/rollup-store.ts";
import { DDSketch } from "../../src/analytics/sketch.ts";
import { SqlRollupStore } from "../../src/analytics/sql-rollup-store.ts";
import type { TestDatabase } from "../store/backends.ts";
import { call, rng } from "./records.ts";

const DAY = Date.UTC(2026, 10, 2);
const HOUR = 3_600_000;
const MIN = 60_000;

function key(over: Partial<RollupKey> = {}): RollupKey {
  return { team: "team-a", service: "svc-1", route: "route-1", application: "", provider: "", model: "", ...over };
}

function entry(bucket: number, k: RollupKey, latencies: number[], status = 200, code: string | null = null): RollupEntry {
  const cell = new RollupCell();
  for (const ms of latencies) cell.add(call({ ts: bucket, ms, status, code, bytesIn: 10, bytesOut: 100 }));
  return { bucket, key: k, cell };
}

export function rollupStoreSuite(backend: string, fresh: () => Promise<TestDatabase>): void {
  describe(`rollup store (${backend})`, () => {
    let db: TestDatabase;
    let rollups: RollupStore;

    beforeAll(async () => {
      db = await fresh();
      rollups = new SqlRollupStore(db.store.db);
    });
    afterAll(async () => {
      await db.dispose();
    });

    test("minutes add into their minute, hour and day rows; an hour's percentiles come from its merged minutes", async () => {
      const r = rng(11);
      const minutes = [0, 1, 2, 59].map((m) => DAY + m * MIN);
      const all: number[] = [];
      const entries = minutes.map((bucket, i) => {
        // Each minute a different latency profile, so averaging minutes' percentiles would be visibly wrong.
        const values = Array.from({ length: 200 }, () => (i + 1) * 10 + r() * 50 * (i + 1) ** 2);
        all.push(...values);
        return entry(bucket, key(), values, i === 3 ? 503 : 200, i === 3 ? "upstream_error" : null);
      });
      await rollups.addMinutes(entries);

      const minuteRows = await rollups.rows({ step: "minute", from: DAY, to: DAY + HOUR, teams: null });
      expect(minuteRows.map((e) => e.bucket)).toEqual(minutes);
      expect(minuteRows.every((e) => e.cell.calls === 200)).toBe(true);

      const [hour] = await rollups.rows({ step: "hour", from: DAY, to: DAY + HOUR, teams: null });
      expect(hour?.bucket).toBe(DAY);
      expect(hour?.cell.calls).toBe(800);
      expect(hour?.cell.errors_5xx).toBe(200);
      expect(hour?.cell.errorCodes.get("upstream_error")).toBe(200);
      expect(hour?.cell.bytes_in).toBe(8000);
      expect(hour?.cell.bytes_out).toBe(80_000);
      const union = new DDSketch();
      for (const v of all) union.add(v);
      for (const q of [0.5, 0.9, 0.99]) expect(hour?.cell.latency.quantile(q)).toBe(union.quantile(q));

      const [day] = await rollups.rows({ step: "day", from: DAY, to: DAY + 86_400_000, teams: null });
      expect(day?.cell.calls).toBe(800);
      expect(day?.cell.latency.quantile(0.99)).toBe(union.quantile(0.99));
    });

    test("adding a minute again merges into it (calls that finished late)", async () => {
      const bucket = DAY + 3 * HOUR;
      await rollups.addMinutes([entry(bucket, key({ route: "late" }), [5, 6])]);
      await rollups.addMinutes([entry(bucket, key({ route: "late" }), [700])]);
      const rows = await rollups.rows({ step: "minute", from: bucket, to: bucket + MIN, filter: { route: "late" }, teams: null });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.cell.calls).toBe(3);
      expect(rows[0]?.cell.latency.max).toBe(700);
      const hours = await rollups.rows({ step: "hour", from: bucket, to: bucket + HOUR, filter: { route: "late" }, teams: null });
      expect(hours[0]?.cell.calls).toBe(3);
    });

    test("two nodes adding into the same rows at once lose nothing", async () => {
      const other = new SqlRollupStore((await db.open()).db);
      const bucket = DAY + 7 * HOUR;
      const k = key({ route: "shared" });
      await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? rollups : other).addMinutes([entry(bucket + (i % 3) * MIN, k, [i + 1, 100 * (i + 1)])])),
      );
      const [hour] = await rollups.rows({ step: "hour", from: bucket, to: bucket + HOUR, filter: { route: "shared" }, teams: null });
      expect(hour?.cell.calls).toBe(12);
      expect(hour?.cell.latency.count).toBe(12);
      expect(hour?.cell.latency.max).toBe(600);
      const minutes = await other.rows({ step: "minute", from: bucket, to: bucket + HOUR, filter: { route: "shared" }, teams: null });
      expect(minutes.map((m) => m.cell.calls)).toEqual([4, 4, 4]);
    });

    test("dimension filters and team restriction", async () => {
      const bucket = DAY + 5 * HOUR;
      await rollups.addMinutes([
        entry(bucket, key({ team: "team-a", service: "svc-a" }), [1]),
        entry(bucket, key({ team: "team-b", service: "svc-b" }), [1, 2]),
        entry(bucket, key({ team: "", service: "svc-global" }), [1, 2, 3]),
      ]);
      const range = { step: "minute" as const, from: bucket, to: bucket + MIN };
      expect((await rollups.rows({ ...range, teams: null })).map((e) => e.key.service).sort()).toEqual(["svc-a", "svc-b", "svc-global"]);
      expect((await rollups.rows({ ...range, teams: ["team-b"] })).map((e) => e.key.service)).toEqual(["svc-b"]);
      expect(await rollups.rows({ ...range, teams: [] })).toEqual([]);
      expect((await rollups.rows({ ...range, filter: { service: "svc-a" }, teams: ["team-b"] })).length).toBe(0);
      expect((await rollups.rows({ ...range, filter: { service: "svc-a" }, teams: ["team-a", "team-b"] }))[0]?.cell.calls).toBe(1);
    });

    test("health events: filtered, scoped, newest first, limited", async () => {
      const base = DAY + 10 * HOUR;
      const events: HealthEvent[] = [
        { ts: base, team_id: "team-a", upstream_id: "up-a", target: "http://a1", event: "breaker_opened", detail: { failure_rate_percent: 80 } },
        { ts: base + 1000, team_id: "team-a", upstream_id: "up-a", target: "http://a1", event: "breaker_half_open", detail: {} },
        { ts: base + 2000, team_id: "team-b", upstream_id: "up-b", target: "http://b1", event: "outlier_ejected", detail: { until: base + 32_000 } },
      ];
      await rollups.addHealthEvents(events);
      const range = { from: base, to: base + HOUR, limit: 100 };
      const mine = await rollups.healthEvents({ ...range, teams: ["team-a"] });
      expect(mine.map((e) => e.event)).toEqual(["breaker_half_open", "breaker_opened"]);
      expect(mine[1]?.detail).toEqual({ failure_rate_percent: 80 });
      expect((await rollups.healthEvents({ ...range, teams: null, upstream_id: "up-b" }))[0]).toEqual(events[2]!);
      expect((await rollups.healthEvents({ ...range, teams: null, limit: 1 })).map((e) => e.event)).toEqual(["outlier_ejected"]);
      expect(await rollups.healthEvents({ ...range, teams: [] })).toEqual([]);
    });

    test("prune drops rows past their step's retention and keeps the newest health events only", async () => {
      const now = DAY + 20 * 86_400_000;
      const old = now - 8 * 86_400_000;
      await rollups.addMinutes([entry(old, key({ route: "old" }), [1])]);
      await rollups.addHealthEvents(
        Array.from({ length: 5 }, (_, i) => ({ ts: now - 1000 + i, team_id: "t", upstream_id: "u-prune", target: "x", event: "breaker_closed" as const, detail: { i } })),
      );
      await rollups.prune(now, { ...DEFAULT_RETENTION, healthEvents: 3 });
      const route = { filter: { route: "old" }, teams: null };
      expect(await rollups.rows({ step: "minute", from: 0, to: now, ...route })).toEqual([]);
      expect((await rollups.rows({ step: "hour", from: 0, to: now, ...route })).length).toBe(1);
      const kept = await rollups.healthEvents({ from: 0, to: now + 1, teams: null, limit: 100 });
      expect(kept.map((e) => e.detail.i)).toEqual([4, 3, 2]);
    });
  });
}
