import { expect, test } from "bun:test";
import { RollupAggregator } from "../../src/analytics/aggregator.ts";
import { OVERFLOW } from "../../src/analytics/dimensions.ts";
import type { HealthEvent, HealthEventQuery, RollupEntry, RollupQuery, RollupStore } from "../../src/analytics/rollup-store.ts";
import { call } from "./records.ts";

/** Records what the aggregator hands over; fails on demand. */
class RecordingStore implements RollupStore {
  readonly added: RollupEntry[][] = [];
  readonly events: HealthEvent[] = [];
  prunes = 0;
  failing = false;
  async addMinutes(entries: readonly RollupEntry[]): Promise<void> {
    if (this.failing && entries.length > 0) throw new Error("database is down");
    this.added.push([...entries]);
  }
  async rows(_q: RollupQuery): Promise<RollupEntry[]> {
    return [];
  }
  async addHealthEvents(events: readonly HealthEvent[]): Promise<void> {
    if (this.failing && events.length > 0) throw new Error("database is down");
    this.events.push(...events);
  }
  async healthEvents(_q: HealthEventQuery): Promise<HealthEvent[]> {
    return [];
  }
  async prune(): Promise<void> {
    this.prunes++;
  }
}

const T = Date.UTC(2026, 10, 2, 10, 0);
const MIN = 60_000;

test("only closed minutes are flushed; the open one waits", async () => {
  const store = new RecordingStore();
  let now = T + 30_000;
  const agg = new RollupAggregator(store, { flushMs: 3_600_000, now: () => now });
  agg.observe(call({ ts: T + 1000, ms: 10 }));
  agg.observe(call({ ts: T + 2000, ms: 20, status: 502, code: "upstream_error" }));
  await agg.flush();
  expect(store.added.flat()).toEqual([]);
  now = T + MIN + 5;
  agg.observe(call({ ts: T + MIN + 1, ms: 30 }));
  await agg.flush();
  const [first] = store.added.flat();
  expect(store.added.flat()).toHaveLength(1);
  expect(first?.bucket).toBe(T);
  expect(first?.cell.calls).toBe(2);
  expect(first?.cell.errors_5xx).toBe(1);
  expect(first?.cell.errorCodes.get("upstream_error")).toBe(1);
  await agg.close();
  expect(store.added.flat().map((e) => e.bucket)).toEqual([T, T + MIN]);
});

test("a call finishing after its minute was flushed reopens that minute (the store merges)", async () => {
  const store = new RecordingStore();
  const agg = new RollupAggregator(store, { flushMs: 3_600_000, now: () => T + 10 * MIN });
  agg.observe(call({ ts: T, ms: 1 }));
  await agg.flush();
  agg.observe(call({ ts: T + 5, ms: 90_000 }));
  await agg.flush();
  expect(store.added.filter((b) => b.length > 0).map((b) => b.map((e) => [e.bucket, e.cell.calls]))).toEqual([[[T, 1]], [[T, 1]]]);
  await agg.close();
});

test("keys past the per-minute cap fold into the team's and service's overflow key", async () => {
  const store = new RecordingStore();
  const agg = new RollupAggregator(store, { flushMs: 3_600_000, maxKeysPerMinute: 3, now: () => T + 10 * MIN });
  for (let i = 0; i < 10; i++) agg.observe(call({ ts: T, ms: 1, route: `route-${i}` }));
  await agg.close();
  const entries = store.added.flat();
  expect(entries).toHaveLength(4);
  const other = entries.find((e) => e.key.route === OVERFLOW);
  expect(other?.key).toEqual({ team: "team-a", service: "svc-1", route: OVERFLOW, application: OVERFLOW, provider: OVERFLOW, model: OVERFLOW });
  expect(other?.cell.calls).toBe(7);
  expect(agg.stats.overflowed).toBe(7);
  expect(entries.reduce((n, e) => n + e.cell.calls, 0)).toBe(10);
});

test("a failing store loses the batch and counts it; pending health events are bounded", async () => {
  const store = new RecordingStore();
  const agg = new RollupAggregator(store, { flushMs: 3_600_000, maxPendingEvents: 2, now: () => T + 10 * MIN });
  for (let i = 0; i < 3; i++) {
    agg.recordHealth({ ts: T + i, team_id: "", upstream_id: "u", target: "t", event: "breaker_opened", detail: {} });
  }
  expect(agg.stats.droppedEvents).toBe(1);
  agg.observe(call({ ts: T, ms: 1 }));
  store.failing = true;
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    await agg.flush();
  } finally {
    console.error = original;
  }
  expect(agg.stats).toMatchObject({ failedFlushes: 2, droppedEntries: 1, droppedEvents: 3 });
  expect(errors).toHaveLength(2);
  store.failing = false;
  agg.observe(call({ ts: T + MIN, ms: 1 }));
  await agg.close();
  expect(store.added.flat().map((e) => e.bucket)).toEqual([T + MIN]);
});

test("old rows are pruned at most once per interval", async () => {
  const store = new RecordingStore();
  let now = T;
  const agg = new RollupAggregator(store, { flushMs: 3_600_000, pruneEveryMs: 60 * MIN, now: () => now });
  await agg.flush();
  now += 10 * MIN;
  await agg.flush();
  expect(store.prunes).toBe(1);
  now += 60 * MIN;
  await agg.close();
  expect(store.prunes).toBe(2);
});
