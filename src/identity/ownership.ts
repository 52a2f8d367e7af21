/**
 * Which team owns each entity. Services, upstreams, applications,
 * providers and virtual models name their team; routes and prompt APIs
 * belong to their service's team, credentials to their application's, policies to their
 * target's; a subscription belongs to its application's team and is also
 * seen (and decided on) by its service's team. No team means system-level
 * configuration, which only system admins touch.
 */
import type { Kind } from "../config/entities.ts";
import type { StoreOps } from "../store/store.ts";

export interface Owners {
  /** The owning team (for subscriptions: the application's); null for system-level configuration. */
  team: string | null;
  /** Subscriptions only: the team of the service subscribed to. */
  serviceTeam?: string | null;
}

type Doc = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

async function teamOf(ops: StoreOps, kind: "services" | "applications", id: unknown): Promise<string | null> {
  const ref = str(id);
  if (ref === null) return null;
  const found = await ops.get(kind, ref);
  return str(found?.team_id);
}

async function routeTeam(ops: StoreOps, routeId: unknown): Promise<string | null> {
  const ref = str(routeId);
  if (ref === null) return null;
  const route = await ops.get("routes", ref);
  return route ? teamOf(ops, "services", route.service_id) : null;
}

export async function ownersOf(ops: StoreOps, kind: Kind, entity: Doc): Promise<Owners> {
  switch (kind) {
    case "teams":
      return { team: str(entity.id) };
    case "upstreams":
    case "services":
    case "applications":
    case "providers":
    case "virtual_models":
      return { team: str(entity.team_id) };
    case "routes":
    case "prompt_apis":
      return { team: await teamOf(ops, "services", entity.service_id) };
    case "credentials":
      return { team: await teamOf(ops, "applications", entity.application_id) };
    case "subscriptions":
      return { team: await teamOf(ops, "applications", entity.application_id), serviceTeam: await teamOf(ops, "services", entity.service_id) };
    case "policies":
      return { team: await policyTeam(ops, entity) };
    case "model_overrides":
      return { team: null };
  }
}

async function policyTeam(ops: StoreOps, policy: Doc): Promise<string | null> {
  switch (policy.scope) {
    case "team":
      return str(policy.team_id);
    case "service":
      return teamOf(ops, "services", policy.service_id);
    case "route":
      return routeTeam(ops, policy.route_id);
    case "application":
      return teamOf(ops, "applications", policy.application_id);
    default:
      return null;
  }
}

/** Every team an entity's audit entries belong to. */
export function ownerTeams(owners: Owners): string[] {
  const out = new Set<string>();
  if (owners.team !== null) out.add(owners.team);
  if (owners.serviceTeam !== undefined && owners.serviceTeam !== null) out.add(owners.serviceTeam);
  return [...out];
}
