/**
 * Starts a gateway's analytics: the aggregator that rolls finished calls up
 * per minute, and the recorder of its targets' health events.
 */
import type { SnapshotManager } from "../snapshot/manager.ts";
import { type AggregatorOptions, RollupAggregator } from "./aggregator.ts";
import { healthEventFrom } from "./health-events.ts";
import type { RollupStore } from "./rollup-store.ts";

export function startAnalytics(store: RollupStore, snapshots: SnapshotManager, opts?: AggregatorOptions): RollupAggregator {
  const aggregator = new RollupAggregator(store, opts);
  snapshots.onTargetEvent((e) => aggregator.recordHealth(healthEventFrom(e, snapshots.current)));
  return aggregator;
}
