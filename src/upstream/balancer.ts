/**
 * One Balancer interface, one implementation per algorithm in ./balancers/,
 * one shared test suite (test/upstream/balancer.case.ts) over all of them.
 *
 * A balancer is built once per snapshot over all targets of an upstream and
 * then asked, per attempt, to pick among the currently eligible ones (healthy,
 * breaker permitting, not yet tried by this request). State that must outlive
 * a snapshot swap (in-flight counts, latency EWMA) lives on the target.
 */
import type { BalancerConfig } from "../config/entities.ts";

export interface BalancerTarget {
  /** Stable identity: upstream id + target URL. */
  readonly key: string;
  readonly weight: number;
  /** Requests currently in flight to this target. */
  readonly inflight: number;
  /** Peak-EWMA latency estimate in ms (0 when nothing is known yet). */
  latencyEwma(now: number): number;
}

export interface PickContext {
  /** The value consistent hashing keys on (header value, client IP or consumer id). */
  hashKey?: string;
  now: number;
  /** Random source in [0,1); injectable for deterministic tests. */
  random?: () => number;
}

export interface Balancer<T extends BalancerTarget = BalancerTarget> {
  readonly algorithm: BalancerConfig["algorithm"];
  /** Picks one of `eligible` (a subset of the targets the balancer was built with), or undefined if empty. */
  pick(eligible: readonly T[], ctx: PickContext): T | undefined;
}

export type BalancerFactory = <T extends BalancerTarget>(all: readonly T[], config: BalancerConfig) => Balancer<T>;
