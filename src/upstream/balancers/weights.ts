import type { BalancerTarget } from "../balancer.ts";

/**
 * Weight 0 means "standby": such a target is never picked while any eligible
 * target has a positive weight, and when only weight-0 targets are eligible
 * they share the traffic equally. Draining a target by setting its weight to
 * 0 thus never turns an otherwise servable request into a 503.
 */
export function servable<T extends BalancerTarget>(eligible: readonly T[]): readonly T[] {
  for (const t of eligible) {
    if (t.weight > 0) return eligible.filter((x) => x.weight > 0);
  }
  return eligible;
}

/** The weight a target carries among `servable()` targets: standby targets count as 1. */
export function effectiveWeight(t: BalancerTarget): number {
  return t.weight > 0 ? t.weight : 1;
}
