import { describe, expect, test } from "bun:test";
import { DDSketch } from "../../src/analytics/sketch.ts";
import { seededRandom as rng } from "../support/random.ts";


function normal(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const DISTRIBUTIONS: Record<string, (r: () => number) => number> = {
  uniform: (r) => 1 + r() * 999,
  lognormal: (r) => Math.exp(3 + 1.2 * normal(r)),
  bimodal: (r) => (r() < 0.7 ? 5 + normal(r) * 0.5 : 800 + normal(r) * 50),
};

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function exact(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function sample(name: string, n: number, seed: number): number[] {
  const r = rng(seed);
  const gen = DISTRIBUTIONS[name]!;
  return Array.from({ length: n }, () => Math.max(0, gen(r)));
}

describe("DDSketch accuracy", () => {
  for (const alpha of [0.01, 0.02]) {
    for (const name of Object.keys(DISTRIBUTIONS)) {
      test(`${name}, α=${alpha}: every quantile within α of the exact value`, () => {
        const values = sample(name, 50_000, 7);
        const s = new DDSketch(alpha);
        for (const v of values) s.add(v);
        const sorted = [...values].sort((a, b) => a - b);
        expect(s.count).toBe(values.length);
        for (const q of QUANTILES) {
          const want = exact(sorted, q);
          const got = s.quantile(q);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(alpha * want + 1e-9);
        }
      });
    }
  }

  test("zeros and tiny values count in the zero bin", () => {
    const s = new DDSketch();
    for (let i = 0; i < 10; i++) s.add(0);
    for (let i = 0; i < 10; i++) s.add(100);
    expect(s.quantile(0.2)).toBe(0);
    expect(Math.abs(s.quantile(0.9) - 100)).toBeLessThanOrEqual(1);
  });

  test("empty sketch answers NaN; invalid values are ignored", () => {
    const s = new DDSketch();
    expect(Number.isNaN(s.quantile(0.5))).toBe(true);
    s.add(-1);
    s.add(Number.NaN);
    s.add(Number.POSITIVE_INFINITY);
    expect(s.count).toBe(0);
  });

  test("accuracy outside (0,1) is refused", () => {
    expect(() => new DDSketch(0)).toThrow(RangeError);
    expect(() => new DDSketch(1)).toThrow(RangeError);
  });

  test("bounded: past maxBins the lowest bins collapse, high quantiles stay accurate", () => {
    const s = new DDSketch(0.01, 200);
    const values = sample("lognormal", 20_000, 3);
    for (const v of values) s.add(v);
    expect(s.toJSON().bins.length).toBeLessThanOrEqual(200);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.95, 0.99, 1]) expect(Math.abs(s.quantile(q) - exact(sorted, q))).toBeLessThanOrEqual(0.01 * exact(sorted, q));
  });
});

describe("DDSketch merge and serialization", () => {
  test("the merge of parts equals the sketch of the union", () => {
    const parts = [sample("uniform", 5000, 1), sample("lognormal", 7000, 2), sample("bimodal", 3000, 3)];
    const union = new DDSketch();
    const merged = new DDSketch();
    for (const part of parts) {
      const s = new DDSketch();
      for (const v of part) {
        s.add(v);
        union.add(v);
      }
      merged.merge(s);
    }
    expect(merged.toJSON()).toEqual({ ...union.toJSON(), sum: merged.sum });
    expect(merged.sum).toBeCloseTo(union.sum, 6);
    for (const q of QUANTILES) expect(merged.quantile(q)).toBe(union.quantile(q));
  });

  test("a merge of sketches with different accuracy is refused", () => {
    expect(() => new DDSketch(0.01).merge(new DDSketch(0.02))).toThrow(RangeError);
  });

  test("JSON round trip keeps every quantile, count, sum, min and max", () => {
    const s = new DDSketch();
    for (const v of sample("bimodal", 4000, 9)) s.add(v);
    const back = DDSketch.parse(JSON.stringify(s));
    expect(back.count).toBe(s.count);
    expect(back.sum).toBe(s.sum);
    expect(back.min).toBe(s.min);
    expect(back.max).toBe(s.max);
    for (const q of QUANTILES) expect(back.quantile(q)).toBe(s.quantile(q));
  });

  test("a malformed document is refused", () => {
    const good = (() => {
      const s = new DDSketch();
      s.add(5);
      return s.toJSON();
    })();
    expect(() => DDSketch.fromJSON({ ...good, count: 2 })).toThrow(RangeError);
    expect(() => DDSketch.fromJSON({ ...good, counts: [] })).toThrow(RangeError);
  });
});
