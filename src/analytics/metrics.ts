/**
 * The metrics a rollup cell answers: sums straight from its totals, rates
 * from two of them, latency from its sketch (latency_p50, latency_p99.9, …
 * any percentile, within the sketch's accuracy).
 */
import type { RollupCell } from "./cell.ts";

const TOTALS = ["calls", "errors_4xx", "errors_5xx", "bytes_in", "bytes_out", "tokens_in", "tokens_out", "cost_usd"] as const;
const DERIVED = ["errors", "error_rate", "latency_avg", "latency_min", "latency_max"] as const;

export const METRIC_NAMES: readonly string[] = [...TOTALS, ...DERIVED, "latency_p<N>"];

const PERCENTILE = /^latency_p(\d{1,2}(?:\.\d{1,3})?|100)$/;

export function isMetric(name: string): boolean {
  return (TOTALS as readonly string[]).includes(name) || (DERIVED as readonly string[]).includes(name) || PERCENTILE.test(name);
}

/** The metric's value for a cell; null where it has no value (latency of no calls). */
export function metricValue(cell: RollupCell, name: string): number | null {
  if ((TOTALS as readonly string[]).includes(name)) return round(cell[name as (typeof TOTALS)[number]]);
  switch (name) {
    case "errors":
      return cell.errors;
    case "error_rate":
      return cell.calls === 0 ? null : round(cell.errors / cell.calls);
    case "latency_avg":
      return cell.calls === 0 ? null : round(cell.latency.sum / cell.latency.count);
    case "latency_min":
      return cell.calls === 0 ? null : round(cell.latency.min);
    case "latency_max":
      return cell.calls === 0 ? null : round(cell.latency.max);
  }
  const m = PERCENTILE.exec(name);
  if (!m || cell.latency.count === 0) return null;
  return round(cell.latency.quantile(Number(m[1]) / 100));
}

/** Sums of money and latencies keep float noise out of answers (µs, micro-dollars). */
function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
