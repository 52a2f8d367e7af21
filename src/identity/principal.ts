/**
 * Turns the credential on an admin request into the caller: the admin
 * token (the built-in super admin), a login session, or a personal access
 * token. A user who is disabled, or a session or token that is revoked or
 * expired, stops authenticating on the very next request, because every
 * request reads them afresh.
 */
import { timingSafeEqual } from "node:crypto";
import { ALL_TEAMS, type TeamScope, teamsScope } from "../control/scope.ts";
import type { Driver, Queryer } from "../store/sql/driver.ts";
import { findAccessTokenByHash, touchAccessToken } from "./records/access-tokens.ts";
import { rolesByTeam } from "./records/memberships.ts";
import { findSessionByHash } from "./records/sessions.ts";
import { findUser, publicUser, type User } from "./records/users.ts";
import { type AuthMethod, isSystemAdmin, type TeamRole } from "./roles.ts";
import { ACCESS_TOKEN_PREFIX, hashToken, SESSION_PREFIX } from "./tokens.ts";

/** The id of the user the admin token authenticates as (created by migration 5). */
export const BOOTSTRAP_USER_ID = "admin";

/** last_used_at is a hint, not a log: it is written at most this often per token. */
const TOUCH_INTERVAL_MS = 60_000;

export interface Principal {
  user: User;
  method: AuthMethod;
  /** The session or access token the request used; null for the admin token. */
  credentialId: string | null;
  /** Team id → the caller's roles in it. */
  teams: ReadonlyMap<string, ReadonlySet<TeamRole>>;
}

export function isAdmin(p: Principal): boolean {
  return isSystemAdmin(p.user.role);
}

/** The teams the caller may see: every team for system admins, else those they hold any role in. */
export function readScope(p: Principal): TeamScope {
  return isAdmin(p) ? ALL_TEAMS : teamsScope(p.teams.keys());
}

/** The teams where the caller holds one of `roles` (every team for system admins). */
export function scopeWith(p: Principal, roles: readonly TeamRole[]): TeamScope {
  if (isAdmin(p)) return ALL_TEAMS;
  const teams: string[] = [];
  for (const [team, held] of p.teams) if (roles.some((r) => held.has(r))) teams.push(team);
  return teamsScope(teams);
}

/** Whether the caller holds one of `roles` in `team`; configuration without a team needs a system admin. */
export function hasRole(p: Principal, team: string | null, roles: readonly TeamRole[]): boolean {
  if (isAdmin(p)) return true;
  if (team === null) return false;
  const held = p.teams.get(team);
  return held !== undefined && roles.some((r) => held.has(r));
}

export function canSee(p: Principal, team: string | null): boolean {
  if (isAdmin(p)) return true;
  return team !== null && p.teams.has(team);
}

function sha256(value: string): Buffer {
  return Buffer.from(new Bun.CryptoHasher("sha256").update(value).digest());
}

async function principalFor(q: Queryer, userId: string, method: AuthMethod, credentialId: string | null): Promise<Principal | null> {
  const user = await findUser(q, userId);
  if (!user || user.id !== userId || user.disabled) return null;
  return { user: publicUser(user), method, credentialId, teams: await rolesByTeam(q, user.id) };
}

function live(expiresAt: string | null, revokedAt: string | null, now: Date): boolean {
  if (revokedAt !== null) return false;
  return expiresAt === null || Date.parse(expiresAt) > now.getTime();
}

/**
 * The caller behind `presented`, or null. The admin token is compared by
 * digest in constant time; sessions and access tokens are found by the
 * SHA-256 of the token, which reveals nothing about other tokens.
 */
export async function authenticate(db: Driver, presented: string | undefined, adminDigest: Buffer | undefined, now = new Date()): Promise<Principal | null> {
  if (presented === undefined || presented.length === 0) return null;
  if (adminDigest !== undefined && timingSafeEqual(sha256(presented), adminDigest)) {
    return db.read((q) => principalFor(q, BOOTSTRAP_USER_ID, "admin_token", null), false);
  }
  if (presented.startsWith(SESSION_PREFIX)) {
    return db.read(async (q) => {
      const session = await findSessionByHash(q, hashToken(presented));
      if (!session || !live(session.expires_at, session.revoked_at, now)) return null;
      return principalFor(q, session.user_id, "session", session.id);
    }, false);
  }
  if (presented.startsWith(ACCESS_TOKEN_PREFIX)) {
    const found = await db.read(async (q) => {
      const token = await findAccessTokenByHash(q, hashToken(presented));
      if (!token || !live(token.expires_at, token.revoked_at, now)) return null;
      const principal = await principalFor(q, token.user_id, "access_token", token.id);
      return principal ? { principal, token } : null;
    }, false);
    if (!found) return null;
    const lastUsed = found.token.last_used_at === null ? 0 : Date.parse(found.token.last_used_at);
    if (now.getTime() - lastUsed > TOUCH_INTERVAL_MS) await db.write((q) => touchAccessToken(q, found.token.id, now));
    return found.principal;
  }
  return null;
}
