import type { SnapshotManager } from "../snapshot/manager.ts";
import type { TargetHealthView } from "../upstream/types.ts";
import type { EventLoopLag } from "./event-loop-lag.ts";
import type { LogQueue } from "./log-queue.ts";
import type { Metrics } from "./metrics.ts";

const BREAKER_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

/** Gauges read at scrape time: target health, breaker states, queue and snapshot state. */
export function registerRuntimeGauges(
  metrics: Metrics,
  src: { snapshots: SnapshotManager; queue: LogQueue | null; health: () => TargetHealthView[] },
): void {
  metrics.register({
    name: "waygate_target_available",
    help: "1 when the target is eligible for traffic, else 0.",
    type: "gauge",
    samples: () => src.health().map((t) => ({ labels: { upstream: t.upstream_id, target: t.url }, value: t.available ? 1 : 0 })),
  });
  metrics.register({
    name: "waygate_target_breaker_state",
    help: "Circuit breaker state per target: 0 closed, 1 half-open, 2 open.",
    type: "gauge",
    samples: () => src.health().map((t) => ({ labels: { upstream: t.upstream_id, target: t.url }, value: BREAKER_VALUE[t.breaker.state] })),
  });
  metrics.register({
    name: "waygate_target_inflight",
    help: "Requests in flight per target.",
    type: "gauge",
    samples: () => src.health().map((t) => ({ labels: { upstream: t.upstream_id, target: t.url }, value: t.inflight })),
  });
  metrics.register({
    name: "waygate_config_revision",
    help: "Revision of the configuration snapshot being served.",
    type: "gauge",
    samples: () => [{ labels: {}, value: src.snapshots.current.revision }],
  });
  const q = src.queue;
  if (!q) return;
  metrics.register({ name: "waygate_log_queue_depth", help: "Call records waiting to be written.", type: "gauge", samples: () => [{ labels: {}, value: q.stats.queued }] });
  metrics.register({ name: "waygate_log_records_written_total", help: "Call records written.", type: "counter", samples: () => [{ labels: {}, value: q.stats.written }] });
  metrics.register({ name: "waygate_log_records_dropped_total", help: "Call records dropped (queue full or write failed).", type: "counter", samples: () => [{ labels: {}, value: q.stats.dropped }] });
  metrics.register({ name: "waygate_log_bodies_dropped_total", help: "Calls logged without their captured bodies because the log queue was under pressure.", type: "counter", samples: () => [{ labels: {}, value: q.stats.bodiesDropped }] });
}

/** The event loop's delay: a histogram of every tick and the longest delay since start. */
export function registerEventLoopMetrics(metrics: Metrics, lag: EventLoopLag): void {
  metrics.registerHistogram({ name: "waygate_event_loop_lag_ms", help: "How late the event loop ran a 10 ms timer, in milliseconds.", histogram: lag.histogram });
  metrics.register({ name: "waygate_event_loop_lag_max_ms", help: "The longest event-loop delay since start, in milliseconds.", type: "gauge", samples: () => [{ labels: {}, value: lag.max }] });
}
