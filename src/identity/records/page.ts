/**
 * What the identity tables share: text conversion of column values and
 * keyset pagination over `seq` with a total, as entity lists have.
 */
import { decodeCursor, encodeCursor } from "../../store/cursor.ts";
import type { Queryer, SqlRow } from "../../store/sql/driver.ts";

export interface RecordPage<T> {
  data: T[];
  next: string | null;
  total: number;
}

export function text(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

export function textOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : text(v);
}

/** Keyset pagination over `seq`, with the total of rows matching the same conditions. */
export async function page<T>(
  q: Queryer,
  from: string,
  columns: string,
  conditions: string[],
  params: unknown[],
  limit: number,
  cursor: string | undefined,
  map: (row: SqlRow) => T,
): Promise<RecordPage<T>> {
  const where = (extra: string[]) => (extra.length === 0 ? "" : ` WHERE ${extra.join(" AND ")}`);
  const pageConditions = [...conditions];
  const pageParams = [...params];
  if (cursor !== undefined) {
    pageConditions.push("x.seq > ?");
    pageParams.push(decodeCursor(cursor));
  }
  const rows = await q.all(`SELECT x.seq AS seq, ${columns} FROM ${from}${where(pageConditions)} ORDER BY x.seq LIMIT ${limit + 1}`, pageParams);
  const [count] = await q.all(`SELECT count(*) AS n FROM ${from}${where(conditions)}`, params);
  const last = rows[limit - 1];
  return {
    data: rows.slice(0, limit).map(map),
    next: rows.length > limit && last ? encodeCursor(Number(last.seq)) : null,
    total: Number(count?.n ?? 0),
  };
}

