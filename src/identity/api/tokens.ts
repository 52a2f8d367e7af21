/**
 * /admin/tokens (personal access tokens) and /admin/sessions. Everyone
 * manages their own; system admins may list and revoke anyone's and issue
 * tokens for other users (service accounts). A token is shown once, in the
 * create response; only its SHA-256 and a short prefix are kept.
 */
import { WaygateError } from "../../core/errors.ts";
import type { Result } from "../../control/resources.ts";
import type { Driver, Queryer } from "../../store/sql/driver.ts";
import { recordAudit } from "../audit.ts";
import { auditOf, type Caller } from "../caller.ts";
import { isAdmin } from "../principal.ts";
import { type AccessToken, getAccessToken, insertAccessToken, listAccessTokens, revokeAccessToken } from "../records/access-tokens.ts";
import { getSession, listSessions, revokeSession, type SessionRecord } from "../records/sessions.ts";
import { findUser } from "../records/users.ts";
import { ACCESS_TOKEN_PREFIX, generateToken, hashToken, visiblePrefix } from "../tokens.ts";
import { invalidField, notFound, onlyFields, readObject, readPaging } from "./common.ts";

/** Ten years: a longer-lived token should say so by having no expiry at all. */
const MAX_EXPIRY_SECONDS = 10 * 365 * 86_400;
const MAX_NAME = 128;

/** The user whose records a request is about: the caller, or (system admins only) `user_id`. */
async function subjectUser(q: Queryer, caller: Caller, ref: string | null): Promise<string> {
  if (ref === null || ref === caller.principal.user.id || ref === caller.principal.user.username) return caller.principal.user.id;
  if (!isAdmin(caller.principal)) throw new WaygateError("forbidden", "only system admins act on other users' tokens and sessions");
  const user = await findUser(q, ref);
  if (!user) throw new WaygateError("reference_not_found", `user_id: users '${ref}' not found`, { details: [{ path: "user_id", message: "not found" }] });
  if (user.role === "super_admin" && caller.principal.user.role !== "super_admin") {
    throw new WaygateError("forbidden", "only a super_admin may act on a super_admin's tokens");
  }
  return user.id;
}

function ownedOrAdmin(caller: Caller, userId: string): boolean {
  return userId === caller.principal.user.id || isAdmin(caller.principal);
}

export async function listTokensFor(db: Driver, caller: Caller, params: URLSearchParams): Promise<Result> {
  const paging = readPaging(params, ["user_id"]);
  return {
    status: 200,
    body: await db.read(async (q) => listAccessTokens(q, await subjectUser(q, caller, params.get("user_id")), paging.limit, paging.cursor), true),
  };
}

function readExpiry(doc: Record<string, unknown>, now: Date): Date | null {
  if (doc.expires_in_seconds !== undefined && doc.expires_at !== undefined) throw invalidField("expires_at", "give expires_at or expires_in_seconds, not both");
  if (doc.expires_in_seconds !== undefined) {
    const s = doc.expires_in_seconds;
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > MAX_EXPIRY_SECONDS) {
      throw invalidField("expires_in_seconds", `must be an integer from 1 to ${MAX_EXPIRY_SECONDS}`);
    }
    return new Date(now.getTime() + s * 1000);
  }
  if (doc.expires_at !== undefined) {
    const at = typeof doc.expires_at === "string" ? Date.parse(doc.expires_at) : Number.NaN;
    if (!Number.isFinite(at) || at <= now.getTime()) throw invalidField("expires_at", "must be an ISO 8601 time in the future");
    return new Date(at);
  }
  return null;
}

export async function createTokenFor(db: Driver, caller: Caller, body: unknown): Promise<Result> {
  const doc = readObject(body);
  onlyFields(doc, ["name", "expires_at", "expires_in_seconds", "user_id"]);
  if (typeof doc.name !== "string" || doc.name.length === 0 || doc.name.length > MAX_NAME) throw invalidField("name", `must be a string of 1 to ${MAX_NAME} characters`);
  if (doc.user_id !== undefined && typeof doc.user_id !== "string") throw invalidField("user_id", "must be a user id or username");
  const now = new Date();
  const expiresAt = readExpiry(doc, now);
  const token = generateToken(ACCESS_TOKEN_PREFIX);
  const name = doc.name;
  const userRef = typeof doc.user_id === "string" ? doc.user_id : null;
  const record = await db.write(async (q) => {
    const userId = await subjectUser(q, caller, userRef);
    const created = await insertAccessToken(q, userId, name, hashToken(token), visiblePrefix(token), expiresAt, now);
    await recordAudit(q, auditOf(caller, { action: "create", kind: "access_tokens", entityId: created.id, after: created, teams: [] }));
    return created;
  });
  return { status: 201, body: { ...record, token } };
}

async function visibleToken(q: Queryer, caller: Caller, id: string): Promise<AccessToken> {
  const token = await getAccessToken(q, id);
  if (!token || !ownedOrAdmin(caller, token.user_id)) throw notFound("access_tokens", id);
  return token;
}

export async function getTokenFor(db: Driver, caller: Caller, id: string): Promise<Result> {
  return { status: 200, body: await db.read((q) => visibleToken(q, caller, id), false) };
}

export async function revokeTokenFor(db: Driver, caller: Caller, id: string): Promise<Result> {
  const revoked = await db.write(async (q) => {
    const before = await visibleToken(q, caller, id);
    await revokeAccessToken(q, id);
    const after = (await getAccessToken(q, id)) as AccessToken;
    await recordAudit(q, auditOf(caller, { action: "revoke", kind: "access_tokens", entityId: id, before, after, teams: [] }));
    return after;
  });
  return { status: 200, body: revoked };
}

export async function listSessionsFor(db: Driver, caller: Caller, params: URLSearchParams): Promise<Result> {
  const paging = readPaging(params, ["user_id"]);
  return {
    status: 200,
    body: await db.read(async (q) => listSessions(q, await subjectUser(q, caller, params.get("user_id")), paging.limit, paging.cursor), true),
  };
}

export async function revokeSessionFor(db: Driver, caller: Caller, id: string): Promise<Result> {
  const revoked = await db.write(async (q) => {
    const before = await getSession(q, id);
    if (!before || !ownedOrAdmin(caller, before.user_id)) throw notFound("sessions", id);
    await revokeSession(q, id);
    const after = (await getSession(q, id)) as SessionRecord;
    await recordAudit(q, auditOf(caller, { action: "revoke", kind: "sessions", entityId: id, before, after, teams: [] }));
    return after;
  });
  return { status: 200, body: revoked };
}
