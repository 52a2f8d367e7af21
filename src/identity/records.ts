/**
 * The identity tables (migration 5) over the shared SQL layer: every
 * function takes the Queryer it runs on, so callers choose between a read,
 * a write of its own, or the transaction of a configuration change.
 */
import { WaygateError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import { decodeCursor, encodeCursor } from "../store/cursor.ts";
import type { Queryer, SqlRow } from "../store/sql/driver.ts";
import type { SystemRole, TeamRole } from "./roles.ts";

export interface User {
  id: string;
  username: string;
  role: SystemRole;
  disabled: boolean;
  /** The bootstrap admin the admin token authenticates as; it cannot be deleted, disabled or demoted. */
  built_in: boolean;
  /** Whether a password is set (the hash itself is never shown). */
  has_password: boolean;
  created_at: string;
  updated_at: string;
}

export interface StoredUser extends User {
  password_hash: string | null;
}

export interface Membership {
  id: string;
  user_id: string;
  username: string;
  team_id: string;
  role: TeamRole;
  created_at: string;
}

export interface SessionRecord {
  id: string;
  user_id: string;
  prefix: string;
  ip: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

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

export interface RecordPage<T> {
  data: T[];
  next: string | null;
  total: number;
}

function text(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

function textOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : text(v);
}

function toUser(row: SqlRow): StoredUser {
  const hash = textOrNull(row.password_hash);
  return {
    id: text(row.id),
    username: text(row.username),
    role: text(row.role) as SystemRole,
    disabled: Number(row.disabled) === 1,
    built_in: Number(row.built_in) === 1,
    has_password: hash !== null,
    created_at: text(row.created_at),
    updated_at: text(row.updated_at),
    password_hash: hash,
  };
}

export function publicUser(u: StoredUser): User {
  const { password_hash: _hidden, ...visible } = u;
  return visible;
}

function toMembership(row: SqlRow): Membership {
  return {
    id: text(row.id),
    user_id: text(row.user_id),
    username: text(row.username),
    team_id: text(row.team_id),
    role: text(row.role) as TeamRole,
    created_at: text(row.created_at),
  };
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

/** Keyset pagination over `seq`, with the total of rows matching the same conditions. */
async function page<T>(
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

// ------------------------------------------------------------------ users

const USER_COLUMNS = "x.id, x.username, x.password_hash, x.role, x.disabled, x.built_in, x.created_at, x.updated_at";

/** By id, or by username when no id matches. */
export async function findUser(q: Queryer, ref: string): Promise<StoredUser | null> {
  const [byId] = await q.all(`SELECT ${USER_COLUMNS} FROM users x WHERE x.id = ?`, [ref]);
  if (byId) return toUser(byId);
  const [byName] = await q.all(`SELECT ${USER_COLUMNS} FROM users x WHERE x.username = ?`, [ref]);
  return byName ? toUser(byName) : null;
}

export async function findUserByUsername(q: Queryer, username: string): Promise<StoredUser | null> {
  const [row] = await q.all(`SELECT ${USER_COLUMNS} FROM users x WHERE x.username = ?`, [username]);
  return row ? toUser(row) : null;
}

export function listUsers(q: Queryer, limit: number, cursor?: string): Promise<RecordPage<User>> {
  return page(q, "users x", USER_COLUMNS, [], [], limit, cursor, (row) => publicUser(toUser(row)));
}

export interface NewUser {
  username: string;
  role: SystemRole;
  passwordHash: string | null;
  disabled?: boolean;
}

export async function insertUser(q: Queryer, input: NewUser, now = new Date()): Promise<StoredUser> {
  const [taken] = await q.all(`SELECT 1 AS x FROM users WHERE username = ?`, [input.username]);
  if (taken) throw new WaygateError("conflict", `a user named '${input.username}' already exists`, { details: [{ path: "username", message: "already in use" }] });
  const id = newId();
  const at = now.toISOString();
  await q.run(`INSERT INTO users (id, username, password_hash, role, disabled, built_in, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)`, [
    id,
    input.username,
    input.passwordHash,
    input.role,
    input.disabled ? 1 : 0,
    at,
    at,
  ]);
  return (await findUser(q, id)) as StoredUser;
}

export interface UserChanges {
  role?: SystemRole;
  disabled?: boolean;
  passwordHash?: string;
}

export async function updateUser(q: Queryer, id: string, changes: UserChanges, now = new Date()): Promise<StoredUser> {
  const sets: string[] = ["updated_at = ?"];
  const params: unknown[] = [now.toISOString()];
  if (changes.role !== undefined) {
    sets.push("role = ?");
    params.push(changes.role);
  }
  if (changes.disabled !== undefined) {
    sets.push("disabled = ?");
    params.push(changes.disabled ? 1 : 0);
  }
  if (changes.passwordHash !== undefined) {
    sets.push("password_hash = ?");
    params.push(changes.passwordHash);
  }
  await q.run(`UPDATE users SET ${sets.join(", ")} WHERE id = ?`, [...params, id]);
  return (await findUser(q, id)) as StoredUser;
}

export async function deleteUser(q: Queryer, id: string): Promise<void> {
  // Memberships, sessions and tokens go with the user (ON DELETE CASCADE).
  await q.run(`DELETE FROM users WHERE id = ?`, [id]);
}

// ------------------------------------------------------------ memberships

const MEMBERSHIP_FROM = "team_memberships x JOIN users u ON u.id = x.user_id";
const MEMBERSHIP_COLUMNS = "x.id, x.user_id, u.username, x.team_id, x.role, x.created_at";

export interface MembershipFilter {
  userId?: string;
  teamId?: string;
  /** Only memberships of these teams (a caller's scope); undefined: every team. */
  teams?: ReadonlySet<string>;
}

function membershipConditions(filter: MembershipFilter): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.userId !== undefined) {
    conditions.push("x.user_id = ?");
    params.push(filter.userId);
  }
  if (filter.teamId !== undefined) {
    conditions.push("x.team_id = ?");
    params.push(filter.teamId);
  }
  if (filter.teams !== undefined) {
    if (filter.teams.size === 0) conditions.push("1 = 0");
    else {
      conditions.push(`x.team_id IN (${[...filter.teams].map(() => "?").join(", ")})`);
      params.push(...filter.teams);
    }
  }
  return { conditions, params };
}

export function listMemberships(q: Queryer, filter: MembershipFilter, limit: number, cursor?: string): Promise<RecordPage<Membership>> {
  const { conditions, params } = membershipConditions(filter);
  return page(q, MEMBERSHIP_FROM, MEMBERSHIP_COLUMNS, conditions, params, limit, cursor, toMembership);
}

/** Every team role of one user, by team. */
export async function rolesByTeam(q: Queryer, userId: string): Promise<Map<string, Set<TeamRole>>> {
  const rows = await q.all(`SELECT team_id, role FROM team_memberships WHERE user_id = ?`, [userId]);
  const out = new Map<string, Set<TeamRole>>();
  for (const row of rows) {
    const team = text(row.team_id);
    const roles = out.get(team) ?? new Set<TeamRole>();
    roles.add(text(row.role) as TeamRole);
    out.set(team, roles);
  }
  return out;
}

export async function getMembership(q: Queryer, id: string): Promise<Membership | null> {
  const [row] = await q.all(`SELECT ${MEMBERSHIP_COLUMNS} FROM ${MEMBERSHIP_FROM} WHERE x.id = ?`, [id]);
  return row ? toMembership(row) : null;
}

export async function insertMembership(q: Queryer, userId: string, teamId: string, role: TeamRole, now = new Date()): Promise<Membership> {
  const [taken] = await q.all(`SELECT 1 AS x FROM team_memberships WHERE user_id = ? AND team_id = ? AND role = ?`, [userId, teamId, role]);
  if (taken) throw new WaygateError("conflict", `the user already has role ${role} in this team`, { details: [{ path: "role", message: "already granted" }] });
  const id = newId();
  await q.run(`INSERT INTO team_memberships (id, user_id, team_id, role, created_at) VALUES (?, ?, ?, ?, ?)`, [id, userId, teamId, role, now.toISOString()]);
  return (await getMembership(q, id)) as Membership;
}

export async function deleteMembership(q: Queryer, id: string): Promise<void> {
  await q.run(`DELETE FROM team_memberships WHERE id = ?`, [id]);
}

// --------------------------------------------------------------- sessions

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

// ---------------------------------------------------------- access tokens

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
