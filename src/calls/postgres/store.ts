/**
 * Call records in PostgreSQL (the configuration database or another), in
 * the day-partitioned table of schema.ts. Retention drops whole days once
 * every team's calls in them have expired, and otherwise deletes a slice
 * of expired rows per step.
 */
import postgres from "postgres";
import type { TeamScope } from "../../control/scope.ts";
import { quoteIdent } from "../../store/postgres/open.ts";
import { numberPlaceholders } from "../../store/postgres/driver.ts";
import type { CallRecord } from "../../telemetry/call-record.ts";
import type { CallLogStore, CallPage, CallQuery, PruneStep, RetentionPolicy } from "../call-log-store.ts";
import { CALL_COLUMNS, callValues, LIST_COLUMNS, recordFromRow } from "../columns.ts";
import { cutoffs, DAY_MS } from "../retention.ts";
import { expiredClause, ORDER, whereClause } from "../where.ts";
import { createSchema, DAYS_AHEAD, ensurePartitions, listPartitionDays, partitionName, TABLE } from "./schema.ts";

/** Rows per INSERT statement: PostgreSQL allows 65,535 parameters per statement. */
const ROWS_PER_INSERT = 1_000;
const PRUNE_SLICE = 5_000;

type Param = postgres.ParameterOrJSON<never>;

export class PostgresCallLogStore implements CallLogStore {
  readonly backend = "postgres" as const;
  /** Last UTC day with a partition known to exist. */
  private readyUntil = -Infinity;

  private constructor(private readonly sql: postgres.Sql) {}

  /** postgres://…, with an optional ?schema=name like the configuration store. */
  static async open(url: string): Promise<PostgresCallLogStore> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema");
    parsed.searchParams.delete("schema");
    const sql = postgres(parsed.toString(), {
      max: 4,
      idle_timeout: 30,
      onnotice: () => undefined,
      connection: schema ? { search_path: quoteIdent(schema) } : {},
    });
    try {
      if (schema) await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).catch((err: { code?: string }) => {
        if (err.code !== "23505" && err.code !== "42P06") throw err;
      });
      await createSchema(sql);
      const store = new PostgresCallLogStore(sql);
      await store.prepare(Date.now());
      return store;
    } catch (err) {
      await sql.end({ timeout: 0 });
      throw err;
    }
  }

  /** Makes sure partitions exist from yesterday to a few days past `now`. */
  private async prepare(now: number): Promise<void> {
    const today = Math.floor(now / DAY_MS);
    await ensurePartitions(this.sql, today - 1, today + DAYS_AHEAD);
    this.readyUntil = today + DAYS_AHEAD;
  }

  /** Makes sure day partitions exist for calls from `from` to `to` (epoch ms), e.g. before importing older calls. */
  async ensureDays(from: number, to: number): Promise<void> {
    await ensurePartitions(this.sql, Math.floor(from / DAY_MS), Math.floor(to / DAY_MS));
  }

  private query(text: string, params: Array<string | number>): Promise<Array<Record<string, unknown>>> {
    return this.sql.unsafe(numberPlaceholders(text), params as Param[], { prepare: true }) as unknown as Promise<Array<Record<string, unknown>>>;
  }

  async write(batch: CallRecord[]): Promise<void> {
    // Partitions run out only if nothing was written for days; checked per batch, created off the request path.
    if (Math.floor(Date.now() / DAY_MS) + 1 > this.readyUntil) await this.prepare(Date.now());
    for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
      const slice = batch.slice(i, i + ROWS_PER_INSERT);
      const params: Array<string | number | null> = [];
      const rows: string[] = [];
      let n = 0;
      for (const r of slice) {
        const values = callValues(r);
        rows.push(`(${values.map(() => `$${++n}`).join(",")})`);
        params.push(...values);
      }
      await this.sql.unsafe(`INSERT INTO ${TABLE} (${CALL_COLUMNS.join(",")}) VALUES ${rows.join(",")}`, params as Param[]);
    }
  }

  async list(query: CallQuery, scope: TeamScope): Promise<CallPage> {
    const where = whereClause(query, scope, query.after, "ILIKE");
    if (!where) return { items: [] };
    const rows = await this.query(`SELECT ${LIST_COLUMNS.join(", ")} FROM ${TABLE} ${where.sql} ${ORDER} LIMIT ?`, [...where.params, query.limit + 1]);
    const items = rows.slice(0, query.limit).map(recordFromRow);
    const last = items.at(-1);
    return rows.length > query.limit && last ? { items, next: { ts: last.ts, request_id: last.request_id } } : { items };
  }

  async get(requestId: string, scope: TeamScope): Promise<CallRecord | null> {
    const where = whereClause({ request_id: requestId }, scope, undefined, "ILIKE");
    if (!where) return null;
    const rows = await this.query(`SELECT ${CALL_COLUMNS.join(", ")} FROM ${TABLE} ${where.sql} ${ORDER} LIMIT 1`, where.params);
    return rows[0] ? recordFromRow(rows[0]) : null;
  }

  async prune(policy: RetentionPolicy, now: number): Promise<PruneStep> {
    const c = cutoffs(policy, now);
    // A day is dropped whole once even the longest retention has passed its end.
    const longest = Math.min(c.default_cutoff, ...c.teams.map(([, cutoff]) => cutoff));
    const days = await listPartitionDays(this.sql);
    const droppable = days.filter((day) => (day + 1) * DAY_MS <= longest);
    const first = droppable[0];
    if (first !== undefined) {
      await this.sql.begin(async (tx) => {
        // Inserts need a lock on the parent too: give up rather than queue writers behind a long wait.
        await tx.unsafe("SET LOCAL lock_timeout = '2s'");
        await tx.unsafe(`DROP TABLE IF EXISTS ${partitionName(first)}`);
      });
      return { deleted: 0, more: true };
    }
    const expired = expiredClause(c.default_cutoff, c.teams);
    const [row] = await this.query(
      `WITH gone AS (DELETE FROM ${TABLE} WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM ${TABLE} WHERE ${expired.sql} LIMIT ?) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [...expired.params, PRUNE_SLICE],
    );
    const deleted = Number(row?.n ?? 0);
    return { deleted, more: deleted === PRUNE_SLICE };
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
