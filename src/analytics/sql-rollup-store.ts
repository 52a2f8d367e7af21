/**
 * RollupStore on the configuration store's database (SQLite or PostgreSQL,
 * through its Driver). Adding minutes is read-merge-write, since sketches
 * and error-code maps do not add in SQL: on PostgreSQL a transaction-scoped
 * advisory lock serialises the writers of every node, on SQLite the write
 * transaction already does.
 */
import type { Driver, Queryer, SqlRow } from "../store/sql/driver.ts";
import { RollupCell, TOTAL_FIELDS } from "./cell.ts";
import { DIMENSION_COLUMN, DIMENSIONS, type RollupKey, keyString } from "./dimensions.ts";
import type { HealthEvent, HealthEventKind, HealthEventQuery, Retention, RollupEntry, RollupQuery, RollupStore } from "./rollup-store.ts";
import { DDSketch } from "./sketch.ts";
import { STEPS, type Step, bucketStart } from "./steps.ts";

/** Any fixed number: the advisory lock only has to be the same on every node. */
const PG_ROLLUP_LOCK = 774_200_601;

const KEY_COLUMNS = DIMENSIONS.map((d) => DIMENSION_COLUMN[d]);
const VALUE_COLUMNS = [...TOTAL_FIELDS, "error_codes", "latency"];
const ALL_COLUMNS = ["step", "bucket", ...KEY_COLUMNS, ...VALUE_COLUMNS];

const UPSERT = `INSERT INTO analytics_rollups (${ALL_COLUMNS.join(", ")}) VALUES (${ALL_COLUMNS.map(() => "?").join(", ")})
ON CONFLICT (step, bucket, ${KEY_COLUMNS.join(", ")}) DO UPDATE SET ${VALUE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}`;

const SELECT_ONE = `SELECT ${VALUE_COLUMNS.join(", ")} FROM analytics_rollups WHERE step = ? AND bucket = ? AND ${KEY_COLUMNS.map((c) => `${c} = ?`).join(" AND ")}`;

interface Pending {
  step: Step;
  bucket: number;
  key: RollupKey;
  cell: RollupCell;
}

function keyValues(k: RollupKey): string[] {
  return DIMENSIONS.map((d) => k[d]);
}

function cellFromRow(row: SqlRow): RollupCell {
  const totals = Object.fromEntries(TOTAL_FIELDS.map((f) => [f, Number(row[f])])) as Record<(typeof TOTAL_FIELDS)[number], number>;
  return RollupCell.from(totals, JSON.parse(String(row.error_codes)) as Record<string, number>, DDSketch.parse(String(row.latency)));
}

function cellValues(c: RollupCell): unknown[] {
  return [...TOTAL_FIELDS.map((f) => c[f]), c.errorCodesJson(), JSON.stringify(c.latency)];
}

function inList(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

export class SqlRollupStore implements RollupStore {
  constructor(private readonly db: Driver) {}

  async addMinutes(entries: readonly RollupEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pending = new Map<string, Pending>();
    for (const e of entries) {
      for (const step of STEPS) {
        const bucket = bucketStart(e.bucket, step);
        const id = `${step}\u0000${bucket}\u0000${keyString(e.key)}`;
        let p = pending.get(id);
        if (!p) pending.set(id, (p = { step, bucket, key: e.key, cell: new RollupCell() }));
        p.cell.merge(e.cell);
      }
    }
    await this.db.write(async (q) => {
      if (this.db.dialect.name === "postgres") await q.run(`SELECT pg_advisory_xact_lock(${PG_ROLLUP_LOCK})`);
      for (const p of pending.values()) await this.mergeRow(q, p);
    });
  }

  private async mergeRow(q: Queryer, p: Pending): Promise<void> {
    const keys = keyValues(p.key);
    const [existing] = await q.all(SELECT_ONE, [p.step, p.bucket, ...keys]);
    const cell = existing ? cellFromRow(existing) : new RollupCell();
    cell.merge(p.cell);
    await q.run(UPSERT, [p.step, p.bucket, ...keys, ...cellValues(cell)]);
  }

  async rows(query: RollupQuery): Promise<RollupEntry[]> {
    if (query.teams !== null && query.teams.length === 0) return [];
    const where = ["step = ?", "bucket >= ?", "bucket < ?"];
    const params: unknown[] = [query.step, query.from, query.to];
    for (const d of DIMENSIONS) {
      const v = query.filter?.[d];
      if (v === undefined) continue;
      where.push(`${DIMENSION_COLUMN[d]} = ?`);
      params.push(v);
    }
    if (query.teams !== null) {
      where.push(`team_id IN (${inList(query.teams.length)})`);
      params.push(...query.teams);
    }
    const rows = await this.db.read(
      (q) => q.all(`SELECT bucket, ${KEY_COLUMNS.join(", ")}, ${VALUE_COLUMNS.join(", ")} FROM analytics_rollups WHERE ${where.join(" AND ")} ORDER BY bucket`, params),
      false,
    );
    return rows.map((row) => ({
      bucket: Number(row.bucket),
      key: Object.fromEntries(DIMENSIONS.map((d) => [d, String(row[DIMENSION_COLUMN[d]])])) as RollupKey,
      cell: cellFromRow(row),
    }));
  }

  async addHealthEvents(events: readonly HealthEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.write(async (q) => {
      for (const e of events) {
        await q.run(`INSERT INTO analytics_health_events (ts, team_id, upstream_id, target, event, detail) VALUES (?, ?, ?, ?, ?, ?)`, [
          e.ts,
          e.team_id,
          e.upstream_id,
          e.target,
          e.event,
          JSON.stringify(e.detail),
        ]);
      }
    });
  }

  async healthEvents(query: HealthEventQuery): Promise<HealthEvent[]> {
    if (query.teams !== null && query.teams.length === 0) return [];
    const where = ["ts >= ?", "ts < ?"];
    const params: unknown[] = [query.from, query.to];
    if (query.upstream_id !== undefined) {
      where.push("upstream_id = ?");
      params.push(query.upstream_id);
    }
    if (query.target !== undefined) {
      where.push("target = ?");
      params.push(query.target);
    }
    if (query.teams !== null) {
      where.push(`team_id IN (${inList(query.teams.length)})`);
      params.push(...query.teams);
    }
    params.push(query.limit);
    const rows = await this.db.read(
      (q) => q.all(`SELECT ts, team_id, upstream_id, target, event, detail FROM analytics_health_events WHERE ${where.join(" AND ")} ORDER BY ts DESC, id DESC LIMIT ?`, params),
      false,
    );
    return rows.map((r) => ({
      ts: Number(r.ts),
      team_id: String(r.team_id),
      upstream_id: String(r.upstream_id),
      target: String(r.target),
      event: String(r.event) as HealthEventKind,
      detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
    }));
  }

  async prune(now: number, retention: Retention): Promise<void> {
    await this.db.write(async (q) => {
      for (const step of STEPS) await q.run(`DELETE FROM analytics_rollups WHERE step = ? AND bucket < ?`, [step, now - retention[step]]);
      await q.run(`DELETE FROM analytics_health_events WHERE ts < ?`, [now - retention.healthMs]);
      await q.run(
        `DELETE FROM analytics_health_events WHERE id <= (SELECT id FROM analytics_health_events ORDER BY id DESC LIMIT 1 OFFSET ?)`,
        [retention.healthEvents],
      );
    });
  }
}
