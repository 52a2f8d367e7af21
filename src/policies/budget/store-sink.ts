/**
 * Budget alerts written to the store's `budget_alerts` table off the hot
 * path: record() starts the insert and returns; a failed write is logged,
 * never thrown at the request. The table's unique key keeps one alert per
 * policy, subject, period and level however many nodes raise it. Alerts
 * this node inserted are counted for Prometheus.
 */
import type { Driver } from "../../store/sql/driver.ts";
import type { GaugeSource } from "../../telemetry/metrics.ts";
import { ALERT_LEVELS, type AlertLevel, type BudgetAlert, type BudgetAlertSink } from "./alert.ts";
import { insertBudgetAlert } from "./alert-table.ts";

export class StoreBudgetAlerts implements BudgetAlertSink {
  private readonly pending = new Set<Promise<void>>();
  private readonly recorded = new Map<AlertLevel, number>(ALERT_LEVELS.map((l) => [l, 0]));

  constructor(private readonly db: Driver) {}

  record(alert: BudgetAlert): void {
    const write = insertBudgetAlert(this.db, alert)
      .then((inserted) => {
        if (inserted) this.recorded.set(alert.level, (this.recorded.get(alert.level) ?? 0) + 1);
      })
      .catch((err: unknown) => {
        console.error(`[waygate] could not record the ${alert.level} budget alert of policy ${alert.policy_name} for ${alert.subject}:`, err instanceof Error ? err.message : err);
      })
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Resolves once every alert recorded so far is written (or has failed); for shutdown and tests. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** waygate_budget_alerts_total{level}: alerts this node recorded since it started. */
  metric(): GaugeSource {
    return {
      name: "waygate_budget_alerts_total",
      help: "Budget alerts recorded by this node, by level (soft threshold, hard limit, unpriced model).",
      type: "counter",
      samples: () => [...this.recorded].map(([level, value]) => ({ labels: { level }, value })),
    };
  }
}
