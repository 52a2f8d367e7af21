/**
 * The `releases` table (migration 8). A release's content never changes
 * once written; only its status moves (and who decided, when, why). At
 * most one release per service is `published`: the one the gateway serves.
 */
import type { ServiceContent } from "../config/service-content.ts";
import { textOrNull, text } from "../identity/records/page.ts";
import { decodeCursor, encodeCursor } from "../store/cursor.ts";
import type { Queryer, SqlRow } from "../store/sql/driver.ts";

export const RELEASE_STATUSES = ["created", "pending", "rejected", "published", "superseded"] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export interface Release {
  id: string;
  service_id: string;
  team_id: string | null;
  version: string;
  notes: string;
  status: ReleaseStatus;
  /** The release that was published for the service when this one was created. */
  previous_id: string | null;
  /** Set on a rollback: the earlier release whose content this one repeats. */
  rollback_of: string | null;
  content: ServiceContent;
  created_by: string | null;
  created_at: string;
  /** Who asked for it to be published. */
  requested_by: string | null;
  published_at: string | null;
  /** Who approved or rejected a publish request, when, and (for a rejection) why. */
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}

/** A release in lists: everything but the (possibly large) content. */
export type ReleaseSummary = Omit<Release, "content">;

const COLUMNS = "id, service_id, team_id, version, notes, status, previous_id, rollback_of, content, created_by, created_at, requested_by, published_at, decided_by, decided_at, reason";

function parseContent(v: unknown): ServiceContent {
  return (typeof v === "string" ? JSON.parse(v) : v) as ServiceContent;
}

function toRelease(row: SqlRow): Release {
  return {
    id: text(row.id),
    service_id: text(row.service_id),
    team_id: textOrNull(row.team_id),
    version: text(row.version),
    notes: text(row.notes),
    status: text(row.status) as ReleaseStatus,
    previous_id: textOrNull(row.previous_id),
    rollback_of: textOrNull(row.rollback_of),
    content: parseContent(row.content),
    created_by: textOrNull(row.created_by),
    created_at: text(row.created_at),
    requested_by: textOrNull(row.requested_by),
    published_at: textOrNull(row.published_at),
    decided_by: textOrNull(row.decided_by),
    decided_at: textOrNull(row.decided_at),
    reason: textOrNull(row.reason),
  };
}

export function summary(r: Release): ReleaseSummary {
  const { content: _content, ...rest } = r;
  return rest;
}

export async function insertRelease(q: Queryer, r: Release): Promise<void> {
  await q.run(`INSERT INTO releases (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    r.id,
    r.service_id,
    r.team_id,
    r.version,
    r.notes,
    r.status,
    r.previous_id,
    r.rollback_of,
    JSON.stringify(r.content),
    r.created_by,
    r.created_at,
    r.requested_by,
    r.published_at,
    r.decided_by,
    r.decided_at,
    r.reason,
  ]);
}

export async function findRelease(q: Queryer, id: string): Promise<Release | null> {
  const [row] = await q.all(`SELECT ${COLUMNS} FROM releases WHERE id = ?`, [id]);
  return row ? toRelease(row) : null;
}

/** A service's releases, oldest first. */
export async function serviceReleases(q: Queryer, serviceId: string): Promise<Release[]> {
  const rows = await q.all(`SELECT ${COLUMNS} FROM releases WHERE service_id = ? ORDER BY seq`, [serviceId]);
  return rows.map(toRelease);
}

export async function publishedRelease(q: Queryer, serviceId: string): Promise<Release | null> {
  const [row] = await q.all(`SELECT ${COLUMNS} FROM releases WHERE service_id = ? AND status = 'published'`, [serviceId]);
  return row ? toRelease(row) : null;
}

export interface ReleaseQuery {
  /** Only releases of these teams; null: every team's (and those without a team). */
  teams: readonly string[] | null;
  serviceId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One page of releases, newest first, with the total matching the query. */
export async function listReleases(q: Queryer, query: ReleaseQuery): Promise<{ data: Release[]; next: string | null; total: number }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.teams !== null) {
    if (query.teams.length === 0) return { data: [], next: null, total: 0 };
    conditions.push(`team_id IN (${query.teams.map(() => "?").join(", ")})`);
    params.push(...query.teams);
  }
  if (query.serviceId !== undefined) {
    conditions.push("service_id = ?");
    params.push(query.serviceId);
  }
  const where = (extra: string[]) => (extra.length > 0 ? ` WHERE ${extra.join(" AND ")}` : "");
  const pageConditions = query.cursor !== undefined ? [...conditions, "seq < ?"] : conditions;
  const pageParams = query.cursor !== undefined ? [...params, decodeCursor(query.cursor)] : params;
  const rows = await q.all(`SELECT seq, ${COLUMNS} FROM releases${where(pageConditions)} ORDER BY seq DESC LIMIT ${query.limit + 1}`, pageParams);
  const [count] = await q.all(`SELECT count(*) AS n FROM releases${where(conditions)}`, params);
  const last = rows[query.limit - 1];
  return {
    data: rows.slice(0, query.limit).map(toRelease),
    next: rows.length > query.limit && last ? encodeCursor(Number(last.seq)) : null,
    total: Number(count?.n ?? 0),
  };
}

export interface StatusChange {
  status: ReleaseStatus;
  requested_by?: string | null;
  published_at?: string;
  decided_by?: string | null;
  decided_at?: string;
  reason?: string | null;
}

export async function setStatus(q: Queryer, id: string, change: StatusChange): Promise<void> {
  const sets = ["status = ?"];
  const params: unknown[] = [change.status];
  for (const field of ["requested_by", "published_at", "decided_by", "decided_at", "reason"] as const) {
    if (change[field] === undefined) continue;
    sets.push(`${field} = ?`);
    params.push(change[field]);
  }
  await q.run(`UPDATE releases SET ${sets.join(", ")} WHERE id = ?`, [...params, id]);
}

/** What the gateway serves: service id → the content of its published release. */
export async function liveContents(q: Queryer): Promise<Map<string, { releaseId: string; content: ServiceContent }>> {
  const rows = await q.all(`SELECT id, service_id, content FROM releases WHERE status = 'published'`);
  return new Map(rows.map((row) => [text(row.service_id), { releaseId: text(row.id), content: parseContent(row.content) }] as const));
}
