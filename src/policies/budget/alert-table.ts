/**
 * The `budget_alerts` table (migration 4): inserts that keep the first
 * alert of each policy, subject, period and level, and a newest-first list
 * with keyset pagination for the admin API. The same SQL runs on SQLite and
 * PostgreSQL through the store's driver.
 */
import type { Driver, SqlRow } from "../../store/sql/driver.ts";
import { newId } from "../../core/ids.ts";
import { isoTime } from "../../store/rows.ts";
import type { AlertLevel, BudgetAlert } from "./alert.ts";

export interface StoredBudgetAlert extends BudgetAlert {
  id: string;
}

const COLUMNS = [
  "policy_id",
  "policy_name",
  "subject",
  "team_id",
  "application_id",
  "period",
  "level",
  "spent_usd",
  "limit_usd",
  "threshold_usd",
  "model",
  "created_at",
] as const;

/** Inserts the alert unless one of its policy, subject, period and level exists; true when this call inserted it. */
export async function insertBudgetAlert(db: Driver, alert: BudgetAlert): Promise<boolean> {
  const sql = `INSERT INTO budget_alerts (id, ${COLUMNS.join(", ")}) VALUES (?, ${COLUMNS.map(() => "?").join(", ")})
ON CONFLICT (policy_id, subject, period, level) DO NOTHING RETURNING id`;
  const rows = await db.write((q) => q.all(sql, [newId(), ...COLUMNS.map((c) => alert[c])]));
  return rows.length > 0;
}

export interface BudgetAlertQuery {
  /** Only alerts created at or after this instant (ISO-8601). */
  since?: string;
  /** A policy's id or name. */
  policy?: string;
  subject?: string;
  /** The teams whose alerts may be returned; "all" for an unrestricted caller. */
  teams: "all" | readonly string[];
  /** The `seq` of the last alert of the previous page. */
  before?: number;
  limit: number;
}

export interface BudgetAlertPage {
  items: StoredBudgetAlert[];
  /** The `seq` to continue before, absent on the last page. */
  next?: number;
}

export async function listBudgetAlerts(db: Driver, query: BudgetAlertQuery): Promise<BudgetAlertPage> {
  if (query.teams !== "all" && query.teams.length === 0) return { items: [] };
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.since !== undefined) {
    where.push("created_at >= ?");
    params.push(query.since);
  }
  if (query.policy !== undefined) {
    where.push("(policy_id = ? OR policy_name = ?)");
    params.push(query.policy, query.policy);
  }
  if (query.subject !== undefined) {
    where.push("subject = ?");
    params.push(query.subject);
  }
  if (query.teams !== "all") {
    where.push(`team_id IN (${query.teams.map(() => "?").join(", ")})`);
    params.push(...query.teams);
  }
  if (query.before !== undefined) {
    where.push("seq < ?");
    params.push(query.before);
  }
  const sql = `SELECT seq, id, ${COLUMNS.join(", ")} FROM budget_alerts${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
  // One row past the page says whether there is a next one.
  const rows = await db.read((q) => q.all(sql, [...params, query.limit + 1]), false);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(fromRow), ...(rows.length > query.limit && last ? { next: Number(last.seq) } : {}) };
}

function fromRow(row: SqlRow): StoredBudgetAlert {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(row.id),
    policy_id: String(row.policy_id),
    policy_name: String(row.policy_name),
    subject: String(row.subject),
    team_id: text(row.team_id),
    application_id: text(row.application_id),
    period: String(row.period),
    level: String(row.level) as AlertLevel,
    spent_usd: Number(row.spent_usd),
    limit_usd: Number(row.limit_usd),
    threshold_usd: Number(row.threshold_usd),
    model: text(row.model),
    created_at: isoTime(row.created_at),
  };
}
