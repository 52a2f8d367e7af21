/**
 * Least in-flight requests. Among equally loaded targets the heavier weight
 * wins, and among equals of both a rotating cursor spreads the picks so that
 * an idle upstream is not hammered on its first target only.
 */
import type { Balancer, BalancerTarget, PickContext } from "../balancer.ts";
import { effectiveWeight, servable } from "./weights.ts";

export class LeastInflight<T extends BalancerTarget> implements Balancer<T> {
  readonly algorithm = "least_inflight" as const;
  private cursor = 0;

  pick(eligible: readonly T[], _ctx?: PickContext): T | undefined {
    const candidates = servable(eligible);
    let best: T[] = [];
    for (const t of candidates) {
      const first = best[0];
      if (!first || isBetter(t, first)) best = [t];
      else if (!isBetter(first, t)) best.push(t);
    }
    if (best.length <= 1) return best[0];
    const chosen = best[this.cursor % best.length];
    this.cursor = (this.cursor + 1) % 1_000_000_007;
    return chosen;
  }
}

function isBetter(a: BalancerTarget, b: BalancerTarget): boolean {
  if (a.inflight !== b.inflight) return a.inflight < b.inflight;
  return effectiveWeight(a) > effectiveWeight(b);
}
