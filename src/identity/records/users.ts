/**
 * The users table (migration 5). Every function takes the Queryer it runs
 * on, so callers choose between a read, a write of its own, or the
 * transaction of a configuration change.
 */
import { WaygateError } from "../../core/errors.ts";
import { newId } from "../../core/ids.ts";
import type { Queryer, SqlRow } from "../../store/sql/driver.ts";
import type { SystemRole } from "../roles.ts";
import { page, type RecordPage, text, textOrNull } from "./page.ts";

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
