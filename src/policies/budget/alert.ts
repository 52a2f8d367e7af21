/**
 * A budget alert: a subject's spending in a period crossed the policy's
 * soft threshold or its limit, or a call was made on a model without a
 * price (so the budget could not count it). Recorded once per policy,
 * subject, period and level.
 */
export const ALERT_LEVELS = ["soft", "hard", "unpriced"] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export interface BudgetAlert {
  policy_id: string;
  policy_name: string;
  /** Whose spending: "team:t1", "app:a1", … (see quota/subject.ts). */
  subject: string;
  /** The team the spending belongs to; alerts are shown to that team's admins. */
  team_id: string | null;
  application_id: string | null;
  /** The budget period: "2026-11" (month) or "2026-11-22" (day), UTC. */
  period: string;
  level: AlertLevel;
  /** Spent in the period when the alert was raised. */
  spent_usd: number;
  limit_usd: number;
  /** The amount whose crossing raised it (the soft threshold, the limit, or 0 for unpriced). */
  threshold_usd: number;
  /** The unpriced model (level unpriced), as provider/model. */
  model: string | null;
  /** ISO-8601. */
  created_at: string;
}

/** Receives alerts from the hot path: must return at once and never throw. */
export interface BudgetAlertSink {
  record(alert: BudgetAlert): void;
}
