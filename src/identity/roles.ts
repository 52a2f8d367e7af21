/**
 * Who a caller is to the admin API: one system role per user, plus any
 * number of team roles through team memberships. System admins see every
 * team; everyone else sees only the teams they hold a role in.
 */
export const SYSTEM_ROLES = ["super_admin", "admin", "member"] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export const TEAM_ROLES = ["team_admin", "service_admin", "developer", "consumer_manager"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export function isSystemRole(s: unknown): s is SystemRole {
  return typeof s === "string" && (SYSTEM_ROLES as readonly string[]).includes(s);
}

export function isTeamRole(s: unknown): s is TeamRole {
  return typeof s === "string" && (TEAM_ROLES as readonly string[]).includes(s);
}

/** super_admin and admin act on every team and on configuration that has no team. */
export function isSystemAdmin(role: SystemRole): boolean {
  return role === "super_admin" || role === "admin";
}

/** How a request proved who it is. */
export type AuthMethod = "admin_token" | "session" | "access_token";
