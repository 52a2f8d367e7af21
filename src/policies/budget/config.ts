/** The budget policy's configuration. */
import { z } from "zod";

export const BUDGET_PERIODS = ["day", "month"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export const BUDGET_KEYS = ["application", "team"] as const;

export const BudgetConfig = z
  .strictObject({
    /** USD per period; the hard stop. */
    limit_usd: z.number().positive().max(1_000_000_000),
    /** A calendar day or month in UTC. */
    period: z.enum(BUDGET_PERIODS),
    /** Whose spending is counted together: each application, or each application's team. */
    key: z.enum(BUDGET_KEYS),
    /** Soft threshold as a fraction of limit_usd (0.8 = 80 %): crossing it records an alert. */
    alert_at: z.number().gt(0).lt(1).optional(),
    /** Soft threshold in USD, instead of alert_at. */
    alert_at_usd: z.number().positive().optional(),
    /** false: only record alerts, never refuse calls. */
    enforce: z.boolean().default(true),
    /** Calls on a model without a price count as $0; `flag` also records an alert (once per subject and period), `ignore` does not. */
    unpriced: z.enum(["flag", "ignore"]).default("flag"),
    /** When the counter store fails: true lets calls through (the default), false refuses them. */
    fault_tolerant: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    if (c.alert_at !== undefined && c.alert_at_usd !== undefined) {
      ctx.addIssue({ code: "custom", path: ["alert_at_usd"], message: "give at most one of alert_at (a fraction) or alert_at_usd" });
    }
    if (c.alert_at_usd !== undefined && c.alert_at_usd >= c.limit_usd) {
      ctx.addIssue({ code: "custom", path: ["alert_at_usd"], message: "the soft threshold must be below limit_usd" });
    }
  });

export type BudgetConfig = z.output<typeof BudgetConfig>;

/** The soft threshold in USD, if any. */
export function softThresholdUsd(c: BudgetConfig): number | undefined {
  if (c.alert_at_usd !== undefined) return c.alert_at_usd;
  return c.alert_at !== undefined ? c.limit_usd * c.alert_at : undefined;
}
