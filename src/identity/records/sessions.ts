/** Login sessions, kept as the SHA-256 of their token (migration 5). */
import { newId } from "../../core/ids.ts";
import type { Queryer, SqlRow } from "../../store/sql/driver.ts";
import { page, type RecordPage, text, textOrNull } from "./page.ts";

export interface SessionRecord {
  id: string;
  user_id: string;
  prefix: string;
  ip: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

function toSession(row: SqlRow): SessionRecord {
  return {
    id: text(row.id),
    user_id: text(row.user_id),
    prefix: text(row.prefix),
    ip: textOrNull(row.ip),
    created_at: text(row.created_at),
    expires_at: text(row.expires_at),
    revoked_at: textOrNull(row.revoked_at),
  };
}

const SESSION_COLUMNS = "x.id, x.user_id, x.prefix, x.ip, x.created_at, x.expires_at, x.revoked_at";

export async function insertSession(q: Queryer, userId: string, tokenHash: string, prefix: string, ip: string | null, expiresAt: Date, now = new Date()): Promise<SessionRecord> {
  const id = newId();
  await q.run(`INSERT INTO admin_sessions (id, user_id, token_hash, prefix, ip, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    id,
    userId,
    tokenHash,
    prefix,
    ip,
    now.toISOString(),
    expiresAt.toISOString(),
  ]);
  return (await getSession(q, id)) as SessionRecord;
}

export async function getSession(q: Queryer, id: string): Promise<SessionRecord | null> {
  const [row] = await q.all(`SELECT ${SESSION_COLUMNS} FROM admin_sessions x WHERE x.id = ?`, [id]);
  return row ? toSession(row) : null;
}

export async function findSessionByHash(q: Queryer, tokenHash: string): Promise<SessionRecord | null> {
  const [row] = await q.all(`SELECT ${SESSION_COLUMNS} FROM admin_sessions x WHERE x.token_hash = ?`, [tokenHash]);
  return row ? toSession(row) : null;
}

export function listSessions(q: Queryer, userId: string, limit: number, cursor?: string): Promise<RecordPage<SessionRecord>> {
  return page(q, "admin_sessions x", SESSION_COLUMNS, ["x.user_id = ?"], [userId], limit, cursor, toSession);
}

export async function revokeSession(q: Queryer, id: string, now = new Date()): Promise<void> {
  await q.run(`UPDATE admin_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, [now.toISOString(), id]);
}

/** Forgets sessions that ended (expired or revoked) before `before`; they can no longer authenticate anyway. */
export async function pruneSessions(q: Queryer, before: Date): Promise<void> {
  const at = before.toISOString();
  await q.run(`DELETE FROM admin_sessions WHERE expires_at < ? OR revoked_at < ?`, [at, at]);
}

/** Ends every live session and token of a user (disabling, password change by an admin). */
export async function revokeAllOf(q: Queryer, userId: string, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await q.run(`UPDATE admin_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, [at, userId]);
  await q.run(`UPDATE access_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, [at, userId]);
}
