/**
 * POST /admin/login and /admin/logout. A failed login answers 401
 * invalid_login whether the user is unknown, disabled or the password is
 * wrong, after the same argon2id work, and is written to the audit log;
 * too many of them answer 429 for a while (login-throttle.ts).
 */
import { WaygateError } from "../../core/errors.ts";
import type { Result } from "../../control/resources.ts";
import type { Driver } from "../../store/sql/driver.ts";
import { recordAudit } from "../audit.ts";
import { auditOf, type Caller } from "../caller.ts";
import { MAX_PASSWORD_LENGTH, verifyPassword } from "../passwords.ts";
import { insertSession, pruneSessions, revokeSession } from "../records/sessions.ts";
import { findUserByUsername, publicUser } from "../records/users.ts";
import type { LoginThrottle } from "../login-throttle.ts";
import { generateToken, hashToken, SESSION_PREFIX, visiblePrefix } from "../tokens.ts";
import { invalidField, onlyFields, readObject } from "./common.ts";

/** Sessions last a working day unless configured otherwise. */
export const DEFAULT_SESSION_TTL_SECONDS = 12 * 3600;
const MAX_USERNAME = 128;
/** Ended sessions stay listed this long, then each login sweeps them away. */
const ENDED_SESSION_RETENTION_MS = 7 * 86_400_000;

export interface LoginOptions {
  sessionTtlSeconds: number;
  throttle: LoginThrottle;
  now?: () => Date;
}

function readCredentials(body: unknown): { username: string; password: string } {
  const doc = readObject(body);
  onlyFields(doc, ["username", "password"]);
  const { username, password } = doc;
  if (typeof username !== "string" || username.length === 0 || username.length > MAX_USERNAME) {
    throw invalidField("username", `must be a string of 1 to ${MAX_USERNAME} characters`);
  }
  if (typeof password !== "string" || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    throw invalidField("password", `must be a string of 1 to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return { username, password };
}

export async function login(db: Driver, body: unknown, ip: string | null, opts: LoginOptions): Promise<Result> {
  const { username, password } = readCredentials(body);
  const now = opts.now?.() ?? new Date();
  opts.throttle.check(username, ip, now.getTime());
  const user = await db.read((q) => findUserByUsername(q, username), false);
  // Unknown and disabled users verify against a decoy hash: the same work as a wrong password.
  const ok = await verifyPassword(password, user && !user.disabled ? user.password_hash : null);
  if (!user || user.disabled || !ok) {
    opts.throttle.failed(username, ip, now.getTime());
    await db.write((q) =>
      recordAudit(
        q,
        {
          actor: { userId: user?.id ?? null, username: user?.username ?? null, method: null, ip },
          method: "POST",
          path: "/admin/login",
          action: "login_failed",
          kind: "sessions",
          entityId: null,
          teams: [],
        },
        now,
      ),
    );
    throw new WaygateError("invalid_login", "invalid user name or password");
  }
  opts.throttle.succeeded(username);
  const token = generateToken(SESSION_PREFIX);
  const expiresAt = new Date(now.getTime() + opts.sessionTtlSeconds * 1000);
  const session = await db.write(async (q) => {
    await pruneSessions(q, new Date(now.getTime() - ENDED_SESSION_RETENTION_MS));
    const created = await insertSession(q, user.id, hashToken(token), visiblePrefix(token), ip, expiresAt, now);
    await recordAudit(
      q,
      {
        actor: { userId: user.id, username: user.username, method: "session", ip },
        method: "POST",
        path: "/admin/login",
        action: "login",
        kind: "sessions",
        entityId: created.id,
        after: created,
        teams: [],
      },
      now,
    );
    return created;
  });
  return { status: 200, body: { token, session, user: publicUser(user) } };
}

export async function logout(db: Driver, caller: Caller): Promise<Result> {
  const sessionId = caller.principal.credentialId;
  if (caller.principal.method !== "session" || sessionId === null) {
    throw new WaygateError("bad_request", "logout ends a login session; revoke access tokens with DELETE /admin/tokens/{id}");
  }
  await db.write(async (q) => {
    await revokeSession(q, sessionId);
    await recordAudit(q, auditOf(caller, { action: "logout", kind: "sessions", entityId: sessionId, teams: [] }));
  });
  return { status: 200, body: { session_id: sessionId, revoked: true } };
}
