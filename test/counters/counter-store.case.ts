/**
 * The one suite every CounterStore must pass; memory.test.ts and
 * redis.test.ts each run it over their backend.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { CounterStore } from "../../src/counters/counter-store.ts";
import type { CounterBackend, TestCounters } from "./backends.ts";

export function runCounterSuite(backend: CounterBackend): void {
  describe(`counter store (${backend.name})`, () => {
    let db: TestCounters;
    let store: CounterStore;

    beforeEach(async () => {
      db = await backend.fresh();
      store = db.store;
    });
    afterEach(async () => {
      await db.dispose();
    });

    test("admits exactly `limit` of 500 concurrent hits", async () => {
      const results = await Promise.all(Array.from({ length: 500 }, () => store.hit("burst", 60_000, 137)));
      expect(results.filter((r) => r.allowed).length).toBe(137);
      const last = await store.hit("burst", 60_000, 137);
      expect(last.allowed).toBe(false);
      expect(last.count).toBe(137);
      expect(last.remaining).toBe(0);
    });

    test("count and remaining follow each admitted hit", async () => {
      const first = await store.hit("k", 60_000, 3);
      expect(first).toMatchObject({ allowed: true, count: 1, remaining: 2, retryAfterMs: 0 });
      expect(first.resetMs).toBeGreaterThan(59_000);
      expect(first.resetMs).toBeLessThanOrEqual(60_000);
      expect(await store.hit("k", 60_000, 3)).toMatchObject({ allowed: true, count: 2, remaining: 1 });
      expect(await store.hit("k", 60_000, 3)).toMatchObject({ allowed: true, count: 3, remaining: 0 });
      expect(await store.hit("k", 60_000, 3)).toMatchObject({ allowed: false, count: 3, remaining: 0 });
    });

    test("the window slides: old hits leave one by one", async () => {
      const window = 400;
      expect((await store.hit("slide", window, 2)).allowed).toBe(true);
      await Bun.sleep(200);
      expect((await store.hit("slide", window, 2)).allowed).toBe(true);
      expect((await store.hit("slide", window, 2)).allowed).toBe(false);
      // The first hit has left (~450 ms), the second (~250 ms old) has not.
      await Bun.sleep(250);
      const after = await store.hit("slide", window, 2);
      expect(after).toMatchObject({ allowed: true, count: 2 });
      expect((await store.hit("slide", window, 2)).allowed).toBe(false);
    });

    test("refused hits are not counted, so the limit reopens after one window", async () => {
      const window = 300;
      expect((await store.hit("hammer", window, 1)).allowed).toBe(true);
      for (let i = 0; i < 5; i++) {
        expect((await store.hit("hammer", window, 1)).allowed).toBe(false);
        await Bun.sleep(40);
      }
      await Bun.sleep(window - 200 + 60);
      expect((await store.hit("hammer", window, 1)).allowed).toBe(true);
    });

    test("retryAfterMs says when the refused hit would fit", async () => {
      const window = 500;
      await store.hit("retry", window, 2);
      await Bun.sleep(100);
      await store.hit("retry", window, 2);
      const refused = await store.hit("retry", window, 2);
      expect(refused.allowed).toBe(false);
      // The oldest hit leaves ~400 ms from now; the reset waits for the newest (~500 ms).
      expect(refused.retryAfterMs).toBeGreaterThan(300);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(400);
      expect(refused.resetMs).toBeGreaterThan(400);
      expect(refused.resetMs).toBeLessThanOrEqual(500);
      await Bun.sleep(refused.retryAfterMs + 20);
      expect((await store.hit("retry", window, 2)).allowed).toBe(true);
    });

    test("cost above 1 uses that many units, and a too-large cost never fits", async () => {
      expect(await store.hit("cost", 60_000, 10, 4)).toMatchObject({ allowed: true, count: 4, remaining: 6 });
      expect(await store.hit("cost", 60_000, 10, 6)).toMatchObject({ allowed: true, count: 10, remaining: 0 });
      expect(await store.hit("cost", 60_000, 10, 1)).toMatchObject({ allowed: false, count: 10 });
      const huge = await store.hit("huge", 60_000, 10, 11);
      expect(huge).toMatchObject({ allowed: false, count: 0, remaining: 10, retryAfterMs: 60_000 });
    });

    test("a refused large cost leaves room for a smaller one", async () => {
      expect((await store.hit("mixed", 60_000, 10, 7)).allowed).toBe(true);
      const big = await store.hit("mixed", 60_000, 10, 5);
      expect(big.allowed).toBe(false);
      expect(big.retryAfterMs).toBeGreaterThan(59_000);
      expect(await store.hit("mixed", 60_000, 10, 3)).toMatchObject({ allowed: true, count: 10 });
    });

    test("concurrent weighted hits never exceed the limit", async () => {
      const costs = Array.from({ length: 300 }, (_, i) => (i % 3) + 1);
      const results = await Promise.all(costs.map((c) => store.hit("weighted", 60_000, 250, c)));
      const admitted = results.reduce((sum, r, i) => sum + (r.allowed ? (costs[i] ?? 0) : 0), 0);
      expect(admitted).toBeLessThanOrEqual(250);
      // Cost-1 hits keep fitting until the window is full to the unit.
      expect(admitted).toBeGreaterThanOrEqual(248);
      const final = await store.hit("weighted", 60_000, 250, 0.5);
      expect(final.count).toBe(admitted + (final.allowed ? 0.5 : 0));
    });

    test("keys are independent", async () => {
      await Promise.all(Array.from({ length: 5 }, () => store.hit("a", 60_000, 5)));
      expect((await store.hit("a", 60_000, 5)).allowed).toBe(false);
      expect(await store.hit("b", 60_000, 5)).toMatchObject({ allowed: true, count: 1 });
      expect(await store.hit("a:b", 60_000, 5)).toMatchObject({ allowed: true, count: 1 });
    });

    test("add returns the running total, get reads it, and keys start at 0", async () => {
      expect(await store.get("tokens")).toBe(0);
      expect(await store.add("tokens", 120, 60_000)).toBe(120);
      expect(await store.add("tokens", 30, 60_000)).toBe(150);
      expect(await store.add("tokens", 0, 60_000)).toBe(150);
      expect(await store.add("tokens", -50, 60_000)).toBe(100);
      expect(await store.get("tokens")).toBe(100);
      expect(await store.get("other")).toBe(0);
    });

    test("totals and sliding logs under one key do not mix", async () => {
      await store.add("both", 7, 60_000);
      expect(await store.hit("both", 60_000, 10)).toMatchObject({ allowed: true, count: 1 });
      expect(await store.get("both")).toBe(7);
    });

    test("500 concurrent adds lose no update", async () => {
      const amounts = Array.from({ length: 500 }, (_, i) => (i % 7) * 1_000_003 + 1);
      const totals = await Promise.all(amounts.map((a) => store.add("money", a, 60_000)));
      const sum = amounts.reduce((n, a) => n + a, 0);
      expect(await store.get("money")).toBe(sum);
      // Each add saw a distinct running total, and the largest is the sum.
      expect(new Set(totals).size).toBe(500);
      expect(Math.max(...totals)).toBe(sum);
    });

    test("large micro-dollar totals stay exact", async () => {
      // 2^52 + 3 micro-dollars: past what a Lua number or a float sum would keep exact.
      const big = 2 ** 52;
      expect(await store.add("big", big, 60_000)).toBe(big);
      expect(await store.add("big", 3, 60_000)).toBe(big + 3);
      expect(await store.get("big")).toBe(big + 3);
    });

    test("a total expires ttlMs after its first add, and later adds keep that deadline", async () => {
      expect(await store.add("ttl", 5, 300)).toBe(5);
      await Bun.sleep(150);
      expect(await store.add("ttl", 5, 300)).toBe(10);
      await Bun.sleep(200);
      expect(await store.get("ttl")).toBe(0);
      expect(await store.add("ttl", 1, 300)).toBe(1);
    });

    test("add rejects fractional amounts and a missing time to live", async () => {
      await expect(store.add("bad", 1.5, 60_000)).rejects.toThrow(RangeError);
      await expect(store.add("bad", Number.NaN, 60_000)).rejects.toThrow(RangeError);
      await expect(store.add("bad", 1, 0)).rejects.toThrow(RangeError);
      expect(await store.get("bad")).toBe(0);
    });

    test("two stores over the same totals add up exactly", async () => {
      const other = await db.twin();
      if (!other) return;
      const adds = await Promise.all(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? store : other).add("shared-total", 1_000 + i, 60_000)));
      const sum = Array.from({ length: 400 }, (_, i) => 1_000 + i).reduce((n, a) => n + a, 0);
      expect(new Set(adds).size).toBe(400);
      expect(await store.get("shared-total")).toBe(sum);
      expect(await other.get("shared-total")).toBe(sum);
    });

    test("two stores over the same counts share them exactly", async () => {
      const other = await db.twin();
      if (!other) return;
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? store : other).hit("shared", 60_000, 150)),
      );
      expect(results.filter((r) => r.allowed).length).toBe(150);
      expect(await other.hit("shared", 60_000, 150)).toMatchObject({ allowed: false, count: 150 });
      expect(await store.hit("shared-2", 60_000, 150)).toMatchObject({ allowed: true, count: 1 });
      expect(await other.hit("shared-2", 60_000, 150)).toMatchObject({ allowed: true, count: 2 });
    });
  });
}
