import { describe, expect, test } from "bun:test";
import { SmoothWeightedRoundRobin } from "../../../src/upstream/balancers/round-robin.ts";
import { FakeTarget } from "../helpers.ts";

const ctx = { now: 0 };

describe("smooth weighted round-robin", () => {
  test("weights 5,1,1 give nginx's sequence a a b a c a a, repeating", () => {
    const all = [new FakeTarget("a", 5), new FakeTarget("b", 1), new FakeTarget("c", 1)];
    const rr = new SmoothWeightedRoundRobin<FakeTarget>();
    const seq = Array.from({ length: 14 }, () => rr.pick(all, ctx)?.key).join(" ");
    expect(seq).toBe("a a b a c a a a a b a c a a");
  });

  test("equal weights rotate one by one", () => {
    const all = ["a", "b", "c"].map((k) => new FakeTarget(k));
    const rr = new SmoothWeightedRoundRobin<FakeTarget>();
    expect(Array.from({ length: 6 }, () => rr.pick(all, ctx)?.key)).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  test("picks only among the eligible subset of each call", () => {
    const [a, b, c] = [new FakeTarget("a", 2), new FakeTarget("b", 1), new FakeTarget("c", 1)];
    const rr = new SmoothWeightedRoundRobin<FakeTarget>();
    const picks = Array.from({ length: 8 }, () => rr.pick([a, c], ctx)?.key);
    expect(picks.filter((k) => k === "a")).toHaveLength(5);
    expect(picks.filter((k) => k === "c")).toHaveLength(3);
    expect(picks).not.toContain(b.key);
  });

  test("only standby (weight 0) targets left: they share equally", () => {
    const all = [new FakeTarget("x", 0), new FakeTarget("y", 0)];
    const rr = new SmoothWeightedRoundRobin<FakeTarget>();
    expect(Array.from({ length: 4 }, () => rr.pick(all, ctx)?.key)).toEqual(["x", "y", "x", "y"]);
  });
});
