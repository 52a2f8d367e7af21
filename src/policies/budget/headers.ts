/**
 * Budget headers on answers: the limit, what is left of it as of the
 * request's start (USD), and seconds until the period resets. With several
 * budgets on one request the one with the least money left is reported.
 */
export interface BudgetView {
  limitUsd: number;
  spentUsd: number;
  resetSeconds: number;
}

export function setBudgetHeaders(headers: Headers, view: BudgetView): void {
  const remaining = Math.max(0, view.limitUsd - view.spentUsd);
  const shown = headers.get("x-waygate-budget-remaining-usd");
  if (shown !== null && Number(shown) <= remaining) return;
  headers.set("x-waygate-budget-limit-usd", String(view.limitUsd));
  headers.set("x-waygate-budget-remaining-usd", String(Number(remaining.toFixed(6))));
  headers.set("x-waygate-budget-reset", String(view.resetSeconds));
}
