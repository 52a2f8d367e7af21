import type { BalancerTarget } from "../../src/upstream/balancer.ts";
import { UpstreamInput, type Upstream } from "../../src/config/entities.ts";

export { seededRandom } from "../support/random.ts";

export class FakeTarget implements BalancerTarget {
  constructor(
    readonly key: string,
    public weight = 100,
    public inflight = 0,
    public ewma = 0,
  ) {}
  latencyEwma(): number {
    return this.ewma;
  }
}

export function counts<T extends { key: string }>(picks: readonly (T | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of picks) {
    const k = p?.key ?? "undefined";
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function makeUpstream(input: Record<string, unknown>, id = "u1"): Upstream {
  const parsed = UpstreamInput.parse({ name: `up-${id}`, ...input });
  return { ...parsed, id, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" };
}
