import { describe, expect, test } from "bun:test";
import { LeastInflight } from "../../../src/upstream/balancers/least-inflight.ts";
import { FakeTarget } from "../helpers.ts";

const ctx = { now: 0 };

describe("least in-flight", () => {
  test("picks the least loaded target", () => {
    const all = [new FakeTarget("a", 100, 5), new FakeTarget("b", 100, 1), new FakeTarget("c", 100, 3)];
    expect(new LeastInflight<FakeTarget>().pick(all, ctx)?.key).toBe("b");
  });

  test("follows the load as it changes", () => {
    const all = [new FakeTarget("a"), new FakeTarget("b"), new FakeTarget("c")];
    const lb = new LeastInflight<FakeTarget>();
    // Simulate requests that never finish: each pick adds load, so picks spread evenly.
    const picks: string[] = [];
    for (let i = 0; i < 9; i++) {
      const t = lb.pick(all, ctx)!;
      t.inflight++;
      picks.push(t.key);
    }
    expect(all.map((t) => t.inflight)).toEqual([3, 3, 3]);
    all[0]!.inflight = 0;
    expect(lb.pick(all, ctx)?.key).toBe("a");
  });

  test("ties on load go to the heavier weight", () => {
    const all = [new FakeTarget("light", 50, 2), new FakeTarget("heavy", 200, 2), new FakeTarget("busy", 500, 3)];
    expect(new LeastInflight<FakeTarget>().pick(all, ctx)?.key).toBe("heavy");
  });

  test("full ties rotate instead of always taking the first", () => {
    const all = ["a", "b", "c"].map((k) => new FakeTarget(k));
    const lb = new LeastInflight<FakeTarget>();
    const picks = new Set(Array.from({ length: 3 }, () => lb.pick(all, ctx)?.key));
    expect(picks.size).toBe(3);
  });
});
