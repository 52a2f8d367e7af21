import { expect, test } from "bun:test";
import { percentile, summarize } from "./percentile.ts";

test("nearest-rank percentiles of 1..100", () => {
  const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(xs, 50)).toBe(50);
  expect(percentile(xs, 99)).toBe(99);
  expect(percentile(xs, 99.9)).toBe(100);
  expect(percentile(xs, 100)).toBe(100);
});

test("summarize sorts numerically, not as strings", () => {
  const s = summarize([900, 80, 1000, 7]);
  expect(s.p50).toBe(80);
  expect(s.max).toBe(1000);
  expect(s.mean).toBeCloseTo(496.75, 6);
  expect(s.count).toBe(4);
});

test("an empty sample has no percentiles", () => {
  expect(Number.isNaN(summarize([]).p99)).toBe(true);
});
