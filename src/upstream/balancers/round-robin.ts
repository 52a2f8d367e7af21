/**
 * Smooth weighted round-robin, nginx's algorithm: every pick adds each
 * candidate's weight to its running score, takes the highest score and
 * subtracts the total weight from it. Weights 5,1,1 give a a b a c a a —
 * spread out rather than a burst of five a's. Candidates are the eligible
 * subset of each call; scores of targets not eligible right now are kept and
 * resume when they come back.
 */
import type { Balancer, BalancerTarget, PickContext } from "../balancer.ts";
import { effectiveWeight, servable } from "./weights.ts";

export class SmoothWeightedRoundRobin<T extends BalancerTarget> implements Balancer<T> {
  readonly algorithm = "round_robin" as const;
  private readonly scores = new Map<string, number>();

  pick(eligible: readonly T[], _ctx?: PickContext): T | undefined {
    const candidates = servable(eligible);
    let best: T | undefined;
    let bestScore = -Infinity;
    let total = 0;
    for (const t of candidates) {
      const w = effectiveWeight(t);
      const score = (this.scores.get(t.key) ?? 0) + w;
      this.scores.set(t.key, score);
      total += w;
      if (score > bestScore) {
        best = t;
        bestScore = score;
      }
    }
    if (best) this.scores.set(best.key, bestScore - total);
    return best;
  }
}
