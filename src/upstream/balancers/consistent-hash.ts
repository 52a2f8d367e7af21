/**
 * Consistent hashing over a ring of virtual nodes, built once over all
 * targets: 160 points per weight 100, placed by hashing "<target key>#<n>".
 * A pick walks clockwise from hash(hashKey) to the first point whose target
 * is eligible, so a target becoming ineligible (or being removed) moves only
 * the keys that were on it, and the ring is identical on every gateway node.
 * Requests without a hash key are spread by weighted round-robin.
 */
import type { Balancer, BalancerTarget, PickContext } from "../balancer.ts";
import { hash32 } from "./hash.ts";
import { SmoothWeightedRoundRobin } from "./round-robin.ts";

export const POINTS_PER_WEIGHT_100 = 160;
/** Bounds memory and build time for upstreams with huge weights × many targets. */
export const MAX_RING_POINTS = 200_000;

export class ConsistentHash<T extends BalancerTarget> implements Balancer<T> {
  readonly algorithm = "consistent_hash" as const;
  private readonly points: Uint32Array;
  private readonly owners: string[];
  private readonly fallback = new SmoothWeightedRoundRobin<T>();

  constructor(all: readonly T[]) {
    const ring = buildRing(all);
    this.points = Uint32Array.from(ring.map((p) => p.hash));
    this.owners = ring.map((p) => p.key);
  }

  pick(eligible: readonly T[], ctx: PickContext): T | undefined {
    if (eligible.length === 0) return undefined;
    if (ctx.hashKey === undefined || this.points.length === 0) return this.fallback.pick(eligible, ctx);
    const byKey = new Map<string, T>();
    for (const t of eligible) if (t.weight > 0) byKey.set(t.key, t);
    if (byKey.size === 0) return this.fallback.pick(eligible, ctx);
    const n = this.points.length;
    const start = lowerBound(this.points, hash32(ctx.hashKey));
    for (let k = 0; k < n; k++) {
      const owner = this.owners[(start + k) % n];
      const hit = owner === undefined ? undefined : byKey.get(owner);
      if (hit) return hit;
    }
    return this.fallback.pick(eligible, ctx);
  }
}

interface Point {
  hash: number;
  key: string;
}

function buildRing(all: readonly BalancerTarget[]): Point[] {
  const seen = new Set<string>();
  const unique = all.filter((t) => t.weight > 0 && !seen.has(t.key) && seen.add(t.key));
  const wanted = unique.reduce((sum, t) => sum + pointsFor(t.weight, 1), 0);
  const scale = wanted > MAX_RING_POINTS ? MAX_RING_POINTS / wanted : 1;
  const ring: Point[] = [];
  for (const t of unique) {
    const count = pointsFor(t.weight, scale);
    for (let i = 0; i < count; i++) ring.push({ hash: hash32(`${t.key}#${i}`), key: t.key });
  }
  // Ties on hash are ordered by key so every node builds the same ring.
  ring.sort((a, b) => a.hash - b.hash || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return ring;
}

function pointsFor(weight: number, scale: number): number {
  return Math.max(1, Math.round(((weight * POINTS_PER_WEIGHT_100) / 100) * scale));
}

function lowerBound(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo === sorted.length ? 0 : lo;
}
