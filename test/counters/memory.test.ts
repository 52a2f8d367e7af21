import { describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/core/clock.ts";
import { MemoryCounterStore } from "../../src/counters/memory.ts";
import { openCounters } from "../../src/counters/open.ts";
import { memoryBackend } from "./backends.ts";
import { runCounterSuite } from "./counter-store.case.ts";

runCounterSuite(memoryBackend);

describe("memory counter store", () => {
  test("keys whose hits have all left the window are swept", () => {
    const clock = new FakeClock();
    const store = new MemoryCounterStore({ clock, sweepIntervalMs: 1000 });
    for (let i = 0; i < 100; i++) store.hitSync(`ip-${i}`, 500, 10);
    store.hitSync("long", 60_000, 10);
    expect(store.size).toBe(101);
    clock.advance(1000);
    store.hitSync("fresh", 500, 10);
    expect(store.size).toBe(2);
  });

  test("a key holds at most `limit` entries however hard it is hit", () => {
    const clock = new FakeClock();
    const store = new MemoryCounterStore({ clock });
    for (let i = 0; i < 10_000; i++) {
      store.hitSync("flood", 1000, 50);
      clock.advance(0.05);
    }
    // 10 000 hits over 500 ms of a 1 s window: only the first 50 were admitted.
    expect(store.hitSync("flood", 1000, 50)).toMatchObject({ allowed: false, count: 50 });
    clock.advance(1000);
    expect(store.hitSync("flood", 1000, 50)).toMatchObject({ allowed: true, count: 1 });
  });

  test("the ring keeps order as it grows and wraps", () => {
    const clock = new FakeClock();
    const store = new MemoryCounterStore({ clock });
    // Fill, let half expire, refill: the ring wraps, then grows past its first size.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20; i++) {
        store.hitSync("ring", 100, 40);
        clock.advance(2.5);
      }
    }
    // Hits are 2.5 ms apart; the window of 100 ms holds the last 40 (one is on the edge and has left).
    const r = store.hitSync("ring", 100, 40);
    expect(r.count).toBe(40);
    expect(r.allowed).toBe(true);
  });

  test("expired totals are swept, and an expired total reads 0 before the sweep", async () => {
    const clock = new FakeClock();
    const store = new MemoryCounterStore({ clock, sweepIntervalMs: 1000 });
    for (let i = 0; i < 50; i++) store.addSync(`tokens-${i}`, 10, 500);
    store.addSync("month", 10, 60_000);
    expect(store.size).toBe(51);
    clock.advance(600);
    expect(await store.get("tokens-1")).toBe(0);
    clock.advance(400);
    store.addSync("fresh", 1, 500);
    expect(store.size).toBe(2);
    expect(await store.get("month")).toBe(10);
  });

  test("a refused first hit leaves no key behind", () => {
    const store = new MemoryCounterStore({ clock: new FakeClock() });
    expect(store.hitSync("x", 1000, 1, 2).allowed).toBe(false);
    expect(store.size).toBe(0);
  });

  test("openCounters defaults to memory and rejects unknown URLs", async () => {
    const store = await openCounters();
    expect(store.backend).toBe("memory");
    await store.close();
    await expect(openCounters("memcached://x")).rejects.toThrow(/unknown counter store/);
  });
});
