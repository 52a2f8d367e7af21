/**
 * /admin/users and /admin/me. System admins manage users; only a
 * super_admin may create, change or remove a super_admin. Anyone may read
 * themselves and change their own password (with the current one).
 * Disabling a user, or an admin setting their password, ends their
 * sessions and tokens at once.
 */
import { WaygateError } from "../../core/errors.ts";
import type { Result } from "../../control/resources.ts";
import type { Driver, Queryer } from "../../store/sql/driver.ts";
import { recordAudit } from "../audit.ts";
import { auditOf, type Caller } from "../caller.ts";
import { checkNewPassword, hashPassword, verifyPassword } from "../passwords.ts";
import { revokeAllOf } from "../records/sessions.ts";
import { deleteUser, findUser, insertUser, listUsers, publicUser, type StoredUser, updateUser, type UserChanges } from "../records/users.ts";
import { isAdmin } from "../principal.ts";
import { isSystemRole, type SystemRole } from "../roles.ts";
import { invalidField, notFound, onlyFields, readObject, readPaging, requireSystemAdmin } from "./common.ts";

export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
export const USERNAME_RULE = "must be 1-128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit";

export function readRole(value: unknown): SystemRole {
  if (!isSystemRole(value)) throw invalidField("role", "must be one of super_admin, admin, member");
  return value;
}

function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") throw invalidField(path, "must be true or false");
  return value;
}

/** A super_admin may manage anyone; an admin anyone but super_admins. */
function mayManage(caller: Caller, target: { role: SystemRole }): boolean {
  if (caller.principal.user.role === "super_admin") return true;
  return caller.principal.user.role === "admin" && target.role !== "super_admin";
}

function requireManage(caller: Caller, target: { role: SystemRole }): void {
  if (!mayManage(caller, target)) throw new WaygateError("forbidden", "only a super_admin may manage super_admin users or grant that role");
}

export async function me(caller: Caller): Promise<Result> {
  const teams = [...caller.principal.teams].map(([team_id, roles]) => ({ team_id, roles: [...roles].sort() }));
  return {
    status: 200,
    body: { user: caller.principal.user, auth_method: caller.principal.method, credential_id: caller.principal.credentialId, teams },
  };
}

export async function listUsersFor(db: Driver, caller: Caller, params: URLSearchParams): Promise<Result> {
  requireSystemAdmin(caller);
  const paging = readPaging(params, []);
  return { status: 200, body: await db.read((q) => listUsers(q, paging.limit, paging.cursor), true) };
}

async function mustFindUser(q: Queryer, ref: string): Promise<StoredUser> {
  const user = await findUser(q, ref);
  if (!user) throw notFound("users", ref);
  return user;
}

export async function getUserFor(db: Driver, caller: Caller, ref: string): Promise<Result> {
  const user = await db.read((q) => findUser(q, ref), false);
  // Other users are as invisible to a member as missing ones.
  if (!user || (user.id !== caller.principal.user.id && !isAdmin(caller.principal))) throw notFound("users", ref);
  return { status: 200, body: publicUser(user) };
}

export async function createUserFor(db: Driver, caller: Caller, body: unknown): Promise<Result> {
  requireSystemAdmin(caller);
  const doc = readObject(body);
  onlyFields(doc, ["username", "password", "role", "disabled"]);
  if (typeof doc.username !== "string" || !USERNAME.test(doc.username)) {
    throw invalidField("username", USERNAME_RULE);
  }
  const role = doc.role === undefined ? "member" : readRole(doc.role);
  requireManage(caller, { role });
  const password = doc.password === undefined ? null : checkNewPassword(doc.password);
  const disabled = doc.disabled === undefined ? false : readBoolean(doc.disabled, "disabled");
  const passwordHash = password === null ? null : await hashPassword(password);
  const username = doc.username;
  const created = await db.write(async (q) => {
    const user = publicUser(await insertUser(q, { username, role, passwordHash, disabled }));
    await recordAudit(q, auditOf(caller, { action: "create", kind: "users", entityId: user.id, after: user, teams: [] }));
    return user;
  });
  return { status: 201, body: created };
}

export async function patchUserFor(db: Driver, caller: Caller, ref: string, body: unknown): Promise<Result> {
  const doc = readObject(body);
  onlyFields(doc, ["role", "disabled", "password", "current_password"]);
  const newPassword = doc.password === undefined ? undefined : checkNewPassword(doc.password);
  const passwordHash = newPassword === undefined ? undefined : await hashPassword(newPassword);
  const target = await db.read((q) => findUser(q, ref), false);
  const self = target !== null && target.id === caller.principal.user.id;
  if (!target || (!self && !isAdmin(caller.principal))) throw notFound("users", ref);
  const changes: UserChanges = {};
  if (doc.role !== undefined) changes.role = readRole(doc.role);
  if (doc.disabled !== undefined) changes.disabled = readBoolean(doc.disabled, "disabled");
  if (passwordHash !== undefined) changes.passwordHash = passwordHash;

  if (self && ((changes.role !== undefined && changes.role !== target.role) || changes.disabled === true)) {
    throw new WaygateError("forbidden", "you cannot change your own role or disable yourself");
  }
  if (self && passwordHash !== undefined && caller.principal.method !== "admin_token") {
    // A stolen session must not be enough to take the account over.
    const current = doc.current_password;
    if (typeof current !== "string" || !(await verifyPassword(current, target.password_hash))) {
      throw new WaygateError("invalid_login", "current_password is missing or wrong");
    }
  }
  if (!self) {
    requireSystemAdmin(caller);
    requireManage(caller, target);
    if (changes.role !== undefined) requireManage(caller, { role: changes.role });
  }
  if (target.built_in && ((changes.role !== undefined && changes.role !== "super_admin") || changes.disabled === true)) {
    throw new WaygateError("forbidden", "the built-in admin cannot be demoted or disabled");
  }
  const updated = await db.write(async (q) => {
    const before = publicUser(await mustFindUser(q, target.id));
    const after = publicUser(await updateUser(q, target.id, changes));
    // Someone else setting the password, or disabling, means existing logins must not survive it.
    if (changes.disabled === true || (passwordHash !== undefined && !self)) await revokeAllOf(q, target.id);
    await recordAudit(q, auditOf(caller, { action: "patch", kind: "users", entityId: target.id, before, after, teams: [] }));
    return after;
  });
  return { status: 200, body: updated };
}

export async function deleteUserFor(db: Driver, caller: Caller, ref: string): Promise<Result> {
  requireSystemAdmin(caller);
  const deleted = await db.write(async (q) => {
    const target = await mustFindUser(q, ref);
    if (target.built_in) throw new WaygateError("forbidden", "the built-in admin cannot be deleted");
    if (target.id === caller.principal.user.id) throw new WaygateError("forbidden", "you cannot delete yourself");
    requireManage(caller, target);
    await deleteUser(q, target.id);
    await recordAudit(q, auditOf(caller, { action: "delete", kind: "users", entityId: target.id, before: publicUser(target), teams: [] }));
    return target.id;
  });
  return { status: 200, body: { id: deleted, deleted: true } };
}
