/**
 * Conversion between entity documents and table rows: column fields go to
 * their columns (an absent optional reference is NULL), everything else to
 * the JSON `doc`; reading merges them back and drops NULL columns so an
 * absent reference reads back as absent, not null.
 */
import type { EntityMap, Kind } from "../config/entities.ts";
import type { SqlRow } from "./sql/driver.ts";
import { TABLES } from "./tables.ts";

const SERVER_FIELDS = new Set(["id", "created_at", "updated_at"]);

export interface SplitData {
  /** Column field → value, in TABLES order; null when absent. */
  columns: Map<string, unknown>;
  /** The JSON text of every other field. */
  docJson: string;
}

export function splitData(kind: Kind, data: object): SplitData {
  const columnNames = TABLES[kind].columns;
  const columns = new Map<string, unknown>(columnNames.map((c) => [c, null]));
  const doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (SERVER_FIELDS.has(key)) continue;
    if (columns.has(key)) columns.set(key, value ?? null);
    else doc[key] = value;
  }
  return { columns, docJson: JSON.stringify(doc) };
}

/** The select list every read of an entity table uses. */
export function selectList(kind: Kind): string {
  return ["seq", "id", ...TABLES[kind].columns, "doc", "created_at", "updated_at"].join(", ");
}

export function isoTime(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function parseDoc(value: unknown): Record<string, unknown> {
  if (typeof value === "string") return JSON.parse(value) as Record<string, unknown>;
  return (value ?? {}) as Record<string, unknown>;
}

export function rowToEntity<K extends Kind>(kind: K, row: SqlRow): EntityMap[K] {
  const entity: Record<string, unknown> = { ...parseDoc(row.doc), id: row.id };
  for (const column of TABLES[kind].columns) {
    const value = row[column];
    if (value !== null && value !== undefined) entity[column] = value;
  }
  entity.created_at = isoTime(row.created_at);
  entity.updated_at = isoTime(row.updated_at);
  return entity as unknown as EntityMap[K];
}

/** The entity as a later read would return it, built from what was just written. */
export function writtenEntity<K extends Kind>(kind: K, id: string, split: SplitData, createdAt: string, updatedAt: string): EntityMap[K] {
  const row: SqlRow = { id, doc: split.docJson, created_at: createdAt, updated_at: updatedAt };
  for (const [column, value] of split.columns) row[column] = value;
  return rowToEntity(kind, row);
}
