/** Personal access tokens, kept as the SHA-256 of the token with a visible prefix (migration 5). */
import { newId } from "../../core/ids.ts";
import type { Queryer, SqlRow } from "../../store/sql/driver.ts";
import { page, type RecordPage, text, textOrNull } from "./page.ts";

export interface AccessToken {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

function toToken(row: SqlRow): AccessToken {
  return {
    id: text(row.id),
    user_id: text(row.user_id),
    name: text(row.name),
    prefix: text(row.prefix),
    created_at: text(row.created_at),
    expires_at: textOrNull(row.expires_at),
    last_used_at: textOrNull(row.last_used_at),
    revoked_at: textOrNull(row.revoked_at),
  };
}

const TOKEN_COLUMNS = "x.id, x.user_id, x.name, x.prefix, x.created_at, x.expires_at, x.last_used_at, x.revoked_at";

export async function insertAccessToken(
  q: Queryer,
  userId: string,
  name: string,
  tokenHash: string,
  prefix: string,
  expiresAt: Date | null,
  now = new Date(),
): Promise<AccessToken> {
  const id = newId();
  await q.run(`INSERT INTO access_tokens (id, user_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    id,
    userId,
    name,
    tokenHash,
    prefix,
    now.toISOString(),
    expiresAt?.toISOString() ?? null,
  ]);
  return (await getAccessToken(q, id)) as AccessToken;
}

export async function getAccessToken(q: Queryer, id: string): Promise<AccessToken | null> {
  const [row] = await q.all(`SELECT ${TOKEN_COLUMNS} FROM access_tokens x WHERE x.id = ?`, [id]);
  return row ? toToken(row) : null;
}

export async function findAccessTokenByHash(q: Queryer, tokenHash: string): Promise<AccessToken | null> {
  const [row] = await q.all(`SELECT ${TOKEN_COLUMNS} FROM access_tokens x WHERE x.token_hash = ?`, [tokenHash]);
  return row ? toToken(row) : null;
}

export function listAccessTokens(q: Queryer, userId: string | undefined, limit: number, cursor?: string): Promise<RecordPage<AccessToken>> {
  const conditions = userId === undefined ? [] : ["x.user_id = ?"];
  return page(q, "access_tokens x", TOKEN_COLUMNS, conditions, userId === undefined ? [] : [userId], limit, cursor, toToken);
}

export async function revokeAccessToken(q: Queryer, id: string, now = new Date()): Promise<void> {
  await q.run(`UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, [now.toISOString(), id]);
}

export async function touchAccessToken(q: Queryer, id: string, now = new Date()): Promise<void> {
  await q.run(`UPDATE access_tokens SET last_used_at = ? WHERE id = ?`, [now.toISOString(), id]);
}
