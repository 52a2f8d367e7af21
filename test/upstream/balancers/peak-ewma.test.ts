import { describe, expect, test } from "bun:test";
import { cost, PeakEwmaP2C } from "../../../src/upstream/balancers/peak-ewma.ts";
import { PeakEwma } from "../../../src/upstream/ewma.ts";
import { counts, FakeTarget, seededRandom } from "../helpers.ts";

describe("peak-EWMA with power of two choices", () => {
  test("with two targets the faster one always wins", () => {
    const fast = new FakeTarget("fast", 100, 0, 10);
    const slow = new FakeTarget("slow", 100, 0, 100);
    const lb = new PeakEwmaP2C<FakeTarget>();
    const random = seededRandom(7);
    for (let i = 0; i < 100; i++) expect(lb.pick([slow, fast], { now: 0, random })).toBe(fast);
  });

  test("prefers the fast target among many, yet still spreads (no herd on one)", () => {
    const targets = [new FakeTarget("fast", 100, 0, 5), new FakeTarget("mid", 100, 0, 50), new FakeTarget("slow1", 100, 0, 500), new FakeTarget("slow2", 100, 0, 500)];
    const lb = new PeakEwmaP2C<FakeTarget>();
    const random = seededRandom(11);
    const c = counts(Array.from({ length: 2000 }, () => lb.pick(targets, { now: 0, random })));
    // fast wins every pair it is drawn into: P = 1/2 with 4 candidates.
    expect(c.fast! / 2000).toBeGreaterThan(0.45);
    expect(c.fast! / 2000).toBeLessThan(0.55);
    expect(c.fast!).toBeGreaterThan(c.mid!);
    expect(c.mid!).toBeGreaterThan(c.slow1!);
  });

  test("in-flight load raises the cost: a busy fast target loses to an idle slower one", () => {
    const busyFast = new FakeTarget("busy-fast", 100, 20, 10); // 10 × 21 = 210
    const idleSlow = new FakeTarget("idle-slow", 100, 0, 100); // 100 × 1
    expect(cost(busyFast, 0)).toBe(210);
    expect(new PeakEwmaP2C<FakeTarget>().pick([busyFast, idleSlow], { now: 0, random: seededRandom(3) })).toBe(idleSlow);
  });

  test("an unmeasured target is tried when idle but not piled onto", () => {
    const fresh = new FakeTarget("fresh", 100, 0, 0);
    const known = new FakeTarget("known", 100, 0, 20);
    const lb = new PeakEwmaP2C<FakeTarget>();
    expect(lb.pick([known, fresh], { now: 0, random: seededRandom(1) })).toBe(fresh);
    fresh.inflight = 1;
    expect(lb.pick([known, fresh], { now: 0, random: seededRandom(1) })).toBe(known);
  });
});

describe("PeakEwma estimate", () => {
  test("adopts a peak at once and decays toward lower samples with the time constant", () => {
    const e = new PeakEwma(1000);
    expect(e.value(0)).toBe(0);
    e.observe(10, 0);
    expect(e.value(0)).toBe(10);
    e.observe(500, 1);
    expect(e.value(1)).toBe(500);
    // A fast sample one time constant later: the estimate lands between the sample and the decayed peak.
    e.observe(10, 1001);
    const v = e.value(1001);
    expect(v).toBeGreaterThan(10);
    expect(v).toBeLessThan(500 * Math.exp(-1));
    // Many fast samples pull it down to their level.
    for (let t = 1100; t < 10_000; t += 100) e.observe(10, t);
    expect(e.value(9_900)).toBeLessThan(12);
    expect(e.value(9_900)).toBeGreaterThanOrEqual(10 * 0.99);
  });

  test("an idle estimate decays toward zero so a once-slow target is tried again", () => {
    const e = new PeakEwma(1000);
    e.observe(800, 0);
    expect(e.value(1000)).toBeCloseTo(800 * Math.exp(-1), 6);
    expect(e.value(10_000)).toBeLessThan(0.1);
  });

  test("a lower sample never raises the estimate", () => {
    const e = new PeakEwma(1000);
    e.observe(100, 0);
    const before = e.value(500);
    e.observe(30, 500);
    expect(e.value(500)).toBeLessThanOrEqual(before);
    expect(e.value(500)).toBeGreaterThan(30);
  });
});
