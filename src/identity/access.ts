/**
 * The permission matrix: which team roles may change which kind of
 * configuration, decide on subscriptions, rotate keys and read the audit
 * log. System admins (super_admin, admin) may do everything; an empty list
 * means "system admins only". Reading needs any role in the owning team.
 * docs/access-control.md shows the same matrix as a table.
 */
import type { Kind } from "../config/entities.ts";
import type { SubscriptionAction } from "../control/subscription-actions.ts";
import { TEAM_ROLES, type TeamRole } from "./roles.ts";

export type WriteOp = "create" | "update" | "delete";

export const ANY_TEAM_ROLE: readonly TeamRole[] = TEAM_ROLES;
export const TEAM_ADMIN: readonly TeamRole[] = ["team_admin"];
/** Who runs the team's APIs: upstreams, services, routes, AI providers and virtual models. */
export const SERVICE_MANAGERS: readonly TeamRole[] = ["team_admin", "service_admin"];
/** Who runs the team's consuming side: applications, their credentials, their subscriptions. */
export const APPLICATION_MANAGERS: readonly TeamRole[] = ["team_admin", "developer"];
/** Who decides on subscriptions to the team's services. */
export const SUBSCRIPTION_DECIDERS: readonly TeamRole[] = ["team_admin", "service_admin", "consumer_manager"];
export const SYSTEM_ADMINS_ONLY: readonly TeamRole[] = [];

/** Team roles that may perform `op` on an entity of `kind` (policies: by their scope). */
export function writeRoles(kind: Kind, op: WriteOp, entity: Record<string, unknown>): readonly TeamRole[] {
  switch (kind) {
    case "teams":
      return op === "update" ? TEAM_ADMIN : SYSTEM_ADMINS_ONLY;
    case "upstreams":
    case "services":
    case "routes":
    case "prompt_apis":
    case "providers":
    case "virtual_models":
      return SERVICE_MANAGERS;
    case "applications":
    case "credentials":
      return APPLICATION_MANAGERS;
    case "subscriptions":
      // Status changes go through the actions, so that each side can only make its own moves.
      return op === "update" ? SYSTEM_ADMINS_ONLY : APPLICATION_MANAGERS;
    case "policies":
      return policyRoles(entity.scope);
    case "model_overrides":
      return SYSTEM_ADMINS_ONLY;
  }
}

function policyRoles(scope: unknown): readonly TeamRole[] {
  switch (scope) {
    case "team":
      return TEAM_ADMIN;
    case "service":
    case "route":
      return SERVICE_MANAGERS;
    case "application":
      return APPLICATION_MANAGERS;
    default:
      return SYSTEM_ADMINS_ONLY;
  }
}

/** Kinds a caller without a system role can list at all (the rest are system-level only). */
export function teamReadable(kind: Kind): boolean {
  return kind !== "model_overrides";
}

/** Cancel is the subscriber's move (on the application's team); the rest are the service team's. */
export function subscriptionActionRoles(action: SubscriptionAction): { side: "application" | "service"; roles: readonly TeamRole[] } {
  return action === "cancel" ? { side: "application", roles: APPLICATION_MANAGERS } : { side: "service", roles: SUBSCRIPTION_DECIDERS };
}

/**
 * The catalog's one exception to team tenancy: a `public` service is
 * visible to every team — listed, read and subscribed to by their
 * applications — although nothing else of its team is; an `internal` one
 * (the default) only to its own team. Services stored without the field
 * are internal.
 */
export function catalogVisibleTo(service: { team_id?: string | undefined; visibility?: string | undefined }, team: string | null): boolean {
  if (service.visibility === "public") return true;
  return team !== null && service.team_id === team;
}

/** Who subscribes applications from the catalog: those who manage the team's applications, as for subscriptions created directly. */
export const CATALOG_SUBSCRIBERS: readonly TeamRole[] = APPLICATION_MANAGERS;

export const ROTATE_ROLES: readonly TeamRole[] = APPLICATION_MANAGERS;
export const AUDIT_READERS: readonly TeamRole[] = TEAM_ADMIN;
export const MEMBERSHIP_MANAGERS: readonly TeamRole[] = TEAM_ADMIN;

/** Extension endpoints (src/control/extensions.ts) by mount segment; a segment not listed is for system admins only. */
export interface ExtensionAccess {
  /** Roles whose teams GET/HEAD requests see. */
  read: readonly TeamRole[];
  /** Roles whose teams other methods may act on. */
  write: readonly TeamRole[];
}

export const EXTENSION_ACCESS: Readonly<Record<string, ExtensionAccess>> = {
  "budget-alerts": { read: ANY_TEAM_ROLE, write: TEAM_ADMIN },
  calls: { read: ANY_TEAM_ROLE, write: SYSTEM_ADMINS_ONLY },
  analytics: { read: ANY_TEAM_ROLE, write: SYSTEM_ADMINS_ONLY },
  catalog: { read: ANY_TEAM_ROLE, write: CATALOG_SUBSCRIBERS },
  openapi: { read: ANY_TEAM_ROLE, write: SERVICE_MANAGERS },
  // Developers may cut releases and ask for them to be published; src/releases/api.ts narrows the rest to RELEASE_APPROVERS.
  releases: { read: ANY_TEAM_ROLE, write: ["team_admin", "service_admin", "developer"] },
  lifecycle: { read: ANY_TEAM_ROLE, write: SERVICE_MANAGERS },
  // Instantiating a template creates a prompt API; trying one spends the team's provider keys.
  "prompt-apis": { read: ANY_TEAM_ROLE, write: SERVICE_MANAGERS },
};

/** Who creates releases and requests their publication (docs/lifecycle.md). */
export const RELEASE_AUTHORS: readonly TeamRole[] = ["team_admin", "service_admin", "developer"];
/** Who publishes directly, approves or rejects publish requests, and rolls back. */
export const RELEASE_APPROVERS: readonly TeamRole[] = SERVICE_MANAGERS;

const ADMIN_ONLY: ExtensionAccess = { read: SYSTEM_ADMINS_ONLY, write: SYSTEM_ADMINS_ONLY };

export function extensionAccess(segment: string): ExtensionAccess {
  return Object.hasOwn(EXTENSION_ACCESS, segment) ? (EXTENSION_ACCESS[segment] as ExtensionAccess) : ADMIN_ONLY;
}
