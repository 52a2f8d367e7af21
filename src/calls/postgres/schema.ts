/**
 * The PostgreSQL call log: one table range-partitioned by day on `ts`
 * (epoch ms, UTC days), so retention drops whole days and time-bounded
 * searches touch only their days. Partitions are created a few days ahead;
 * a default partition catches calls outside them (e.g. a skewed clock).
 */
import type postgres from "postgres";
import { CALL_COLUMNS, type CallColumn } from "../columns.ts";
import { DAY_MS } from "../retention.ts";
import { SLOW_CALL_TERM } from "../where.ts";

export const TABLE = "call_log";
const DEFAULT_PARTITION = `${TABLE}_default`;
const PARTITION_PREFIX = `${TABLE}_p`;
/** Days of partitions kept ready past today. */
export const DAYS_AHEAD = 3;

const COLUMN_TYPES: Readonly<Record<CallColumn, string>> = {
  request_id: "text NOT NULL", trace_id: "text", span_id: "text", ts: "bigint NOT NULL", method: "text NOT NULL",
  host: "text NOT NULL", path: "text NOT NULL", client_ip: "text NOT NULL", route_id: "text", service_id: "text",
  team_id: "text", application_id: "text", credential_id: "text", upstream_id: "text", target: "text",
  attempts: "integer NOT NULL", fallback_path: "text NOT NULL", panic: "smallint NOT NULL", status: "integer NOT NULL",
  error_code: "text", gateway_ms: "double precision NOT NULL", upstream_ttfb_ms: "double precision",
  total_ms: "double precision NOT NULL", request_bytes: "bigint NOT NULL", response_bytes: "bigint NOT NULL",
  ai_endpoint: "text", ai_requested_model: "text", ai_virtual_model: "text", ai_provider: "text", ai_model: "text",
  ai_stream: "smallint", input_tokens: "integer", output_tokens: "integer", cached_tokens: "integer",
  reasoning_tokens: "integer", tokens_estimated: "smallint", cost_usd: "double precision", finish_reason: "text",
  ai_attempts: "text", ai_prompt_api: "text", release_id: "text", request_headers: "text", request_body: "text", response_headers: "text", response_body: "text",
  body_truncated: "smallint",
};

/** Columns added after the table's first release. */
const ADDED_COLUMNS: readonly CallColumn[] = ["ai_prompt_api", "release_id"];

/** Same shape as the SQLite indexes: each filter, then (ts, request_id) for list order; slow calls apart. */
const INDEXES: ReadonlyArray<[string, string, string?]> = [
  ["ts", "ts, request_id"],
  ["request_id", "request_id"],
  ["team", "team_id, ts, request_id"],
  ["service", "service_id, ts, request_id"],
  ["route", "route_id, ts, request_id"],
  ["application", "application_id, ts, request_id"],
  ["status", "status, ts, request_id"],
  ["error", "error_code, ts, request_id", "error_code IS NOT NULL"],
  ["provider", "ai_provider, ts, request_id", "ai_provider IS NOT NULL"],
  ["model", "ai_model, ts, request_id", "ai_model IS NOT NULL"],
  ["slow", "ts, request_id, total_ms", SLOW_CALL_TERM],
];

export function partitionName(day: number): string {
  const d = new Date(day * DAY_MS);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${PARTITION_PREFIX}${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** The UTC day a partition holds, from its name; null for the default partition or foreign tables. */
export function partitionDay(name: string): number | null {
  const m = /^call_log_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!m) return null;
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

type Tx = postgres.TransactionSql;

/** Two gateways starting together must not race on DDL: it runs under a per-schema advisory lock. */
async function locked(sql: postgres.Sql, fn: (tx: Tx) => Promise<void>): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.waygate.call_log'))");
    await fn(tx);
  });
}

export async function createSchema(sql: postgres.Sql): Promise<void> {
  await locked(sql, async (tx) => {
    const columns = CALL_COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`).join(", ");
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${TABLE} (${columns}) PARTITION BY RANGE (ts)`);
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${DEFAULT_PARTITION} PARTITION OF ${TABLE} DEFAULT`);
    // Tables created by earlier releases lack the newer columns; they are added in place (nullable).
    for (const c of ADDED_COLUMNS) await tx.unsafe(`ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS ${c} ${COLUMN_TYPES[c]}`);
    for (const [name, cols, where] of INDEXES) {
      await tx.unsafe(`CREATE INDEX IF NOT EXISTS ${TABLE}_${name} ON ${TABLE} (${cols})${where ? ` WHERE ${where}` : ""}`);
    }
  });
}

/**
 * Creates the day partitions from `first` to `last` (UTC day numbers) that
 * do not exist yet. A day whose calls already sit in the default partition
 * cannot get its own (PostgreSQL refuses); those calls stay in the default.
 */
export async function ensurePartitions(sql: postgres.Sql, first: number, last: number): Promise<void> {
  const existing = new Set(await listPartitionDays(sql));
  for (let day = first; day <= last; day++) {
    if (existing.has(day)) continue;
    try {
      await locked(sql, async (tx) => {
        await tx.unsafe(
          `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF ${TABLE} FOR VALUES FROM (${day * DAY_MS}) TO (${(day + 1) * DAY_MS})`,
        );
      });
    } catch (err) {
      if ((err as { code?: unknown }).code !== "23514") throw err;
    }
  }
}

export async function listPartitionDays(sql: postgres.Sql): Promise<number[]> {
  const rows = await sql.unsafe<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = to_regclass(current_schema() || '.${TABLE}')`,
  );
  return rows.map((r) => partitionDay(r.name)).filter((d): d is number => d !== null).sort((a, b) => a - b);
}
