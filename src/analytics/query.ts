/**
 * The analytics questions, answered from rollup rows: a time series at a
 * step, the top N of a dimension, and one period against another. Each row
 * set is merged cell by cell — percentiles always come from merged
 * sketches, never from averaging percentiles.
 */
import { RollupCell } from "./cell.ts";
import type { Dimension } from "./dimensions.ts";
import { metricValue } from "./metrics.ts";
import type { RollupEntry, RollupStore } from "./rollup-store.ts";
import { STEP_MS, type Step, bucketCeil, bucketStart } from "./steps.ts";

export interface Selection {
  filter: Partial<Record<Dimension, string>>;
  /** null: every team (and calls without one). */
  teams: readonly string[] | null;
}

export interface Range {
  from: number;
  to: number;
}

export interface SeriesPoint {
  t: number;
  values: Record<string, number | null>;
}

export async function timeSeries(store: RollupStore, sel: Selection, range: Range, step: Step, metrics: readonly string[]): Promise<SeriesPoint[]> {
  const from = bucketStart(range.from, step);
  const to = bucketCeil(range.to, step);
  const rows = await store.rows({ step, from, to, filter: sel.filter, teams: sel.teams });
  const byBucket = new Map<number, RollupCell>();
  for (const r of rows) mergeInto(byBucket, r.bucket, r);
  const points: SeriesPoint[] = [];
  for (let t = from; t < to; t += STEP_MS[step]) {
    const cell = byBucket.get(t) ?? new RollupCell();
    points.push({ t, values: valuesOf(cell, metrics) });
  }
  return points;
}

/**
 * The rows covering [from, to): whole days where the range spans them,
 * whole hours at its edges, minutes at the very edges (rounded outward to
 * the minute) — the fewest rows that cover the range exactly.
 */
export async function coveringRows(store: RollupStore, sel: Selection, range: Range): Promise<RollupEntry[]> {
  const out: RollupEntry[] = [];
  for (const seg of cover(bucketStart(range.from, "minute"), bucketCeil(range.to, "minute"), "day")) {
    out.push(...(await store.rows({ step: seg.step, from: seg.from, to: seg.to, filter: sel.filter, teams: sel.teams })));
  }
  return out;
}

const FINER: Readonly<Record<Step, Step | null>> = { day: "hour", hour: "minute", minute: null };

export function cover(from: number, to: number, step: Step): Array<Range & { step: Step }> {
  if (from >= to) return [];
  const finer = FINER[step];
  if (finer === null) return [{ step, from, to }];
  const a = bucketCeil(from, step);
  const b = bucketStart(to, step);
  if (a >= b) return cover(from, to, finer);
  return [...cover(from, a, finer), { step, from: a, to: b }, ...cover(b, to, finer)];
}

export async function totals(store: RollupStore, sel: Selection, range: Range, metrics: readonly string[]): Promise<Record<string, number | null>> {
  const cell = new RollupCell();
  for (const r of await coveringRows(store, sel, range)) cell.merge(r.cell);
  return valuesOf(cell, metrics);
}

export interface TopItem {
  key: string;
  value: number | null;
  calls: number;
  errors: number;
}

export async function topN(store: RollupStore, sel: Selection, range: Range, by: Dimension | "error_code", metric: string, limit: number): Promise<TopItem[]> {
  const rows = await coveringRows(store, sel, range);
  const items: TopItem[] = [];
  if (by === "error_code") {
    const counts = new Map<string, number>();
    for (const r of rows) for (const [code, n] of r.cell.errorCodes) counts.set(code, (counts.get(code) ?? 0) + n);
    for (const [code, n] of counts) items.push({ key: code, value: n, calls: n, errors: n });
  } else {
    const groups = new Map<string, RollupCell>();
    for (const r of rows) if (r.key[by] !== "") mergeInto(groups, r.key[by], r);
    for (const [key, cell] of groups) items.push({ key, value: metricValue(cell, metric), calls: cell.calls, errors: cell.errors });
  }
  items.sort((x, y) => (y.value ?? -Infinity) - (x.value ?? -Infinity) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return items.slice(0, limit);
}

export interface Comparison {
  current: Range & { values: Record<string, number | null> };
  previous: Range & { values: Record<string, number | null> };
  /** Per metric: current − previous, and that as a percentage of previous (null when previous is 0 or either is null). */
  change: Record<string, { delta: number | null; percent: number | null }>;
}

export async function compare(store: RollupStore, sel: Selection, current: Range, previous: Range, metrics: readonly string[]): Promise<Comparison> {
  const now = await totals(store, sel, current, metrics);
  const before = await totals(store, sel, previous, metrics);
  const change: Comparison["change"] = {};
  for (const m of metrics) {
    const a = now[m] ?? null;
    const b = before[m] ?? null;
    const delta = a === null || b === null ? null : Math.round((a - b) * 1e6) / 1e6;
    change[m] = { delta, percent: delta === null || b === 0 || b === null ? null : Math.round((delta / b) * 10_000) / 100 };
  }
  return { current: { ...current, values: now }, previous: { ...previous, values: before }, change };
}

function mergeInto<K>(map: Map<K, RollupCell>, k: K, r: RollupEntry): void {
  let cell = map.get(k);
  if (!cell) map.set(k, (cell = new RollupCell()));
  cell.merge(r.cell);
}

function valuesOf(cell: RollupCell, metrics: readonly string[]): Record<string, number | null> {
  return Object.fromEntries(metrics.map((m) => [m, metricValue(cell, m)]));
}
