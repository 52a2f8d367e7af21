/**
 * The contract every balancer keeps, run over every algorithm by
 * balancers.test.ts. Algorithm-specific behaviour is tested in ./balancers/.
 */
import { describe, expect, test } from "bun:test";
import type { BalancerConfig } from "../../src/config/entities.ts";
import type { Balancer, PickContext } from "../../src/upstream/balancer.ts";
import { createBalancer } from "../../src/upstream/balancers/index.ts";
import { counts, FakeTarget, seededRandom } from "./helpers.ts";

/** Algorithms whose distribution follows the configured weights. */
const WEIGHTED: ReadonlySet<BalancerConfig["algorithm"]> = new Set(["round_robin", "consistent_hash"]);

export function balancerCase(algorithm: BalancerConfig["algorithm"]): void {
  const config: BalancerConfig = { algorithm, hash_on: "header", hash_header: "x-user" };
  const build = (all: readonly FakeTarget[]): Balancer<FakeTarget> => createBalancer(all, config);
  const random = seededRandom(42);
  const ctx = (i: number): PickContext => ({ now: 1_000_000, random, hashKey: i % 3 === 0 ? undefined : `user-${i}` });

  describe(`balancer contract: ${algorithm}`, () => {
    test("reports its algorithm", () => {
      expect(build([]).algorithm).toBe(algorithm);
    });

    test("empty eligible set gives undefined", () => {
      const all = [new FakeTarget("a"), new FakeTarget("b")];
      const b = build(all);
      expect(b.pick([], ctx(1))).toBeUndefined();
      expect(build([]).pick([], ctx(2))).toBeUndefined();
    });

    test("a single eligible target is always picked", () => {
      const all = [new FakeTarget("a"), new FakeTarget("b"), new FakeTarget("c")];
      const b = build(all);
      const only = all[1]!;
      for (let i = 0; i < 50; i++) expect(b.pick([only], ctx(i))).toBe(only);
    });

    test("never returns an ineligible target, and spreads over all eligible ones", () => {
      const all = ["a", "b", "c", "d", "e"].map((k) => new FakeTarget(k));
      const b = build(all);
      const eligible = [all[0]!, all[2]!, all[4]!];
      const picks = Array.from({ length: 600 }, (_, i) => b.pick(eligible, ctx(i)));
      for (const p of picks) expect(eligible).toContain(p!);
      const c = counts(picks);
      expect(Object.keys(c).sort()).toEqual(["a", "c", "e"]);
      for (const k of ["a", "c", "e"]) expect(c[k]!).toBeGreaterThan(60);
    });

    test("follows a changing eligible set from call to call", () => {
      const all = ["a", "b", "c"].map((k) => new FakeTarget(k));
      const b = build(all);
      for (let i = 0; i < 100; i++) {
        const eligible = all.filter((_, j) => j !== i % 3);
        const p = b.pick(eligible, ctx(i));
        expect(p).toBeDefined();
        expect(p).not.toBe(all[i % 3]);
      }
    });

    test("weight 0 is standby: never picked while a weighted target is eligible, used when it is all that is left", () => {
      const all = [new FakeTarget("a", 100), new FakeTarget("standby", 0), new FakeTarget("c", 50)];
      const b = build(all);
      for (let i = 0; i < 200; i++) expect(b.pick(all, ctx(i))?.key).not.toBe("standby");
      for (let i = 0; i < 20; i++) expect(b.pick([all[1]!], ctx(i))?.key).toBe("standby");
    });

    if (WEIGHTED.has(algorithm)) {
      test("distribution follows the weights", () => {
        const all = [new FakeTarget("heavy", 300), new FakeTarget("light", 100)];
        const b = build(all);
        const n = 4000;
        const picks = Array.from({ length: n }, (_, i) => b.pick(all, { now: 0, random, hashKey: `client-${i}` }));
        const share = (counts(picks).heavy ?? 0) / n;
        expect(share).toBeGreaterThan(0.68);
        expect(share).toBeLessThan(0.82);
      });
    }
  });
}
