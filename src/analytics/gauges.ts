/** Prometheus counters for what analytics could not keep (see RollupAggregator's bounds). */
import type { GaugeSource } from "../telemetry/metrics.ts";
import type { RollupAggregator } from "./aggregator.ts";

export function analyticsGauges(agg: RollupAggregator): GaugeSource[] {
  return [
    {
      name: "waygate_analytics_dropped_total",
      help: "Rollup entries and health events lost to a failing store or a full buffer.",
      type: "counter",
      samples: () => [
        { labels: { what: "rollups" }, value: agg.stats.droppedEntries },
        { labels: { what: "health_events" }, value: agg.stats.droppedEvents },
      ],
    },
    {
      name: "waygate_analytics_overflowed_calls_total",
      help: "Calls rolled up without their route/application/model split because a minute had too many keys.",
      type: "counter",
      samples: () => [{ labels: {}, value: agg.stats.overflowed }],
    },
  ];
}
