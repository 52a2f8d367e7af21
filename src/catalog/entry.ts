/**
 * Which services the catalog shows a caller, and how one looks there. A
 * service is listed when it is enabled, published or deprecated (services
 * without a lifecycle count as published), and visible to one of the
 * caller's teams: public ones to every team, internal ones to their own
 * (src/identity/access.ts, catalogVisibleTo). System admins see all.
 */
import type { Service, Team } from "../config/entities.ts";
import type { TeamScope } from "../control/scope.ts";
import { catalogVisibleTo } from "../identity/access.ts";
import type { StoreOps } from "../store/store.ts";
import { allWhere } from "../store/all-where.ts";

const LISTED_LIFECYCLES = new Set(["published", "deprecated"]);

export interface CatalogEntry {
  id: string;
  name: string;
  kind: Service["kind"];
  description: string;
  team: { id: string; name: string } | null;
  visibility: "public" | "internal";
  tags: string[];
  categories: string[];
  version: string | null;
  lifecycle: string;
  subscription_approval: Service["subscription_approval"];
  /** Whether the service has usage documentation (GET /admin/catalog/{service} shows it). */
  has_docs: boolean;
  updated_at: string;
}

/** Lifecycle and catalog fields are read off the document, so services of any age (and builds without lifecycles) read alike. */
function field(service: Service, name: string): unknown {
  return (service as unknown as Record<string, unknown>)[name];
}

export function lifecycleOf(service: Service): string {
  const lifecycle = field(service, "lifecycle");
  return typeof lifecycle === "string" ? lifecycle : "published";
}

export function isListed(service: Service): boolean {
  return service.enabled !== false && LISTED_LIFECYCLES.has(lifecycleOf(service));
}

export function visibleIn(scope: TeamScope, service: Service): boolean {
  if (scope.kind === "all") return true;
  for (const team of scope.teams) if (catalogVisibleTo(service, team)) return true;
  return false;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function docsOf(service: Service): string {
  const docs = field(service, "docs");
  return typeof docs === "string" ? docs : "";
}

export function entryOf(service: Service, teams: ReadonlyMap<string, Team>): CatalogEntry {
  const team = service.team_id !== undefined ? teams.get(service.team_id) : undefined;
  const version = field(service, "version");
  return {
    id: service.id,
    name: service.name,
    kind: service.kind,
    description: service.description,
    team: team ? { id: team.id, name: team.name } : null,
    visibility: field(service, "visibility") === "public" ? "public" : "internal",
    tags: strings(field(service, "tags")),
    categories: strings(field(service, "categories")),
    version: typeof version === "string" ? version : null,
    lifecycle: lifecycleOf(service),
    subscription_approval: service.subscription_approval ?? "auto",
    has_docs: docsOf(service) !== "",
    updated_at: service.updated_at,
  };
}

/** Every service the caller's catalog lists, in name order. */
export async function catalogServices(ops: StoreOps, scope: TeamScope): Promise<Service[]> {
  const services = await allWhere(ops, "services", {});
  return services.filter((s) => isListed(s) && visibleIn(scope, s)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function teamsById(ops: StoreOps): Promise<Map<string, Team>> {
  return new Map((await allWhere(ops, "teams", {})).map((t) => [t.id, t]));
}
