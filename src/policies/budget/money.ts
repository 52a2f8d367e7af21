/**
 * Money is counted in whole micro-dollars (millionths of a USD): counter
 * totals stay exact integers on every backend, where summing floats would
 * drift, and one call's cost is rounded to the nearest micro-dollar.
 */
const MICROS_PER_USD = 1_000_000;

export function toMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}

export function fromMicros(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** "$12.50", or more digits for amounts under a cent ("$0.000042"). */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${Number(usd.toFixed(6))}`;
  return `$${usd.toFixed(2)}`;
}
