import { describe, expect, test } from "bun:test";
import { ConsistentHash } from "../../../src/upstream/balancers/consistent-hash.ts";
import { FakeTarget } from "../helpers.ts";

const keys = Array.from({ length: 3000 }, (_, i) => `client-${i}`);
const fleet = () => ["t1", "t2", "t3", "t4", "t5"].map((k) => new FakeTarget(k));

function mapping(ring: ConsistentHash<FakeTarget>, eligible: readonly FakeTarget[]): Map<string, string> {
  return new Map(keys.map((k) => [k, ring.pick(eligible, { now: 0, hashKey: k })!.key]));
}

describe("consistent hash", () => {
  test("the same key always lands on the same target, and a rebuilt ring agrees", () => {
    const all = fleet();
    const first = mapping(new ConsistentHash(all), all);
    expect(mapping(new ConsistentHash(all), all)).toEqual(first);
    expect(mapping(new ConsistentHash([...all].reverse()), all)).toEqual(first);
  });

  test("all targets get a fair share of keys", () => {
    const all = fleet();
    const perTarget = new Map<string, number>();
    for (const t of mapping(new ConsistentHash(all), all).values()) perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
    for (const n of perTarget.values()) {
      expect(n / keys.length).toBeGreaterThan(0.13);
      expect(n / keys.length).toBeLessThan(0.27);
    }
  });

  test("a target becoming ineligible moves only the keys that were on it", () => {
    const all = fleet();
    const ring = new ConsistentHash(all);
    const before = mapping(ring, all);
    const after = mapping(ring, all.filter((t) => t.key !== "t3"));
    let moved = 0;
    for (const k of keys) {
      if (before.get(k) === "t3") {
        expect(after.get(k)).not.toBe("t3");
        moved++;
      } else expect(after.get(k)).toBe(before.get(k)!);
    }
    expect(moved).toBeGreaterThan(0);
  });

  test("removing a target from the ring (rebuild) moves only its keys; adding one takes keys only for itself", () => {
    const all = fleet();
    const before = mapping(new ConsistentHash(all), all);
    const fewer = all.filter((t) => t.key !== "t2");
    const after = mapping(new ConsistentHash(fewer), fewer);
    for (const k of keys) if (before.get(k) !== "t2") expect(after.get(k)).toBe(before.get(k)!);

    const more = [...all, new FakeTarget("t6")];
    const grown = mapping(new ConsistentHash(more), more);
    let gained = 0;
    for (const k of keys) {
      if (grown.get(k) === "t6") gained++;
      else expect(grown.get(k)).toBe(before.get(k)!);
    }
    expect(gained / keys.length).toBeGreaterThan(0.08);
    expect(gained / keys.length).toBeLessThan(0.25);
  });

  test("without a hash key requests are spread round-robin", () => {
    const all = fleet();
    const ring = new ConsistentHash(all);
    const picks = Array.from({ length: 5 }, () => ring.pick(all, { now: 0 })?.key);
    expect(new Set(picks).size).toBe(5);
  });
});
