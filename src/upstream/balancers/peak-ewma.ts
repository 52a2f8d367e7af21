/**
 * Peak-EWMA with power-of-two random choices (Finagle / Linkerd): draw two
 * distinct candidates at random and take the cheaper, where
 * cost = latency EWMA × (in-flight + 1). Two random choices avoid the herd
 * effect of always taking the global minimum while still steering load away
 * from slow or busy targets. Weights are not used: cost already measures
 * what weights approximate.
 */
import type { Balancer, BalancerTarget, PickContext } from "../balancer.ts";
import { servable } from "./weights.ts";

/**
 * A target with no latency sample yet but requests in flight is priced very
 * high, so an unknown target gets one request at a time until it has
 * measured itself (Finagle's penalty for unknown cost).
 */
const UNKNOWN_WITH_LOAD_PENALTY = 1e9;

export class PeakEwmaP2C<T extends BalancerTarget> implements Balancer<T> {
  readonly algorithm = "peak_ewma" as const;

  pick(eligible: readonly T[], ctx: PickContext): T | undefined {
    const candidates = servable(eligible);
    if (candidates.length <= 1) return candidates[0];
    const random = ctx.random ?? Math.random;
    const n = candidates.length;
    const i = Math.min(n - 1, Math.floor(random() * n));
    let j = Math.min(n - 2, Math.floor(random() * (n - 1)));
    if (j >= i) j++;
    const a = candidates[i];
    const b = candidates[j];
    if (!a || !b) return a ?? b;
    return cost(b, ctx.now) < cost(a, ctx.now) ? b : a;
  }
}

export function cost(t: BalancerTarget, now: number): number {
  const latency = t.latencyEwma(now);
  if (latency === 0) return t.inflight === 0 ? 0 : UNKNOWN_WITH_LOAD_PENALTY + t.inflight;
  return latency * (t.inflight + 1);
}
