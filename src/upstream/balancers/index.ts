import type { Balancer, BalancerFactory, BalancerTarget } from "../balancer.ts";
import type { BalancerConfig } from "../../config/entities.ts";
import { ConsistentHash } from "./consistent-hash.ts";
import { LeastInflight } from "./least-inflight.ts";
import { PeakEwmaP2C } from "./peak-ewma.ts";
import { SmoothWeightedRoundRobin } from "./round-robin.ts";

export const BALANCER_ALGORITHMS = ["round_robin", "least_inflight", "peak_ewma", "consistent_hash"] as const satisfies readonly BalancerConfig["algorithm"][];

export const createBalancer: BalancerFactory = <T extends BalancerTarget>(all: readonly T[], config: BalancerConfig): Balancer<T> => {
  switch (config.algorithm) {
    case "round_robin":
      return new SmoothWeightedRoundRobin<T>();
    case "least_inflight":
      return new LeastInflight<T>();
    case "peak_ewma":
      return new PeakEwmaP2C<T>();
    case "consistent_hash":
      return new ConsistentHash<T>(all);
  }
};
