/**
 * Reads one service as it stands now — the service, its routes, its
 * upstream, the policies attached to it or its routes, and its prompt APIs
 * when this build has them — as the ServiceContent a release freezes.
 * Nothing secret is part of it: credentials belong to applications and
 * provider keys to providers, neither to a service.
 */
import { KINDS, type Kind, type PolicyEntity, type Route } from "../config/entities.ts";
import type { ServiceContent } from "../config/service-content.ts";
import { WaygateError } from "../core/errors.ts";
import type { StoreOps } from "../store/store.ts";

const PAGE = 1000;
/** Prompt APIs are a kind only in builds that have them; a release includes them where they exist. */
const PROMPT_APIS = "prompt_apis";

async function listAll<K extends Kind>(ops: StoreOps, kind: K, where: Record<string, string>) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await ops.list(kind, { limit: PAGE, where, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

function hasKind(name: string): name is Kind {
  return (KINDS as readonly string[]).includes(name);
}

async function promptApis(ops: StoreOps, serviceId: string): Promise<Array<Record<string, unknown>>> {
  if (!hasKind(PROMPT_APIS)) return [];
  const items = await listAll(ops, PROMPT_APIS, { service_id: serviceId });
  return items as unknown as Array<Record<string, unknown>>;
}

async function attachedPolicies(ops: StoreOps, serviceId: string, routes: readonly Route[]): Promise<PolicyEntity[]> {
  const onService = await listAll(ops, "policies", { service_id: serviceId });
  const onRoutes = await Promise.all(routes.map((r) => listAll(ops, "policies", { route_id: r.id })));
  const byId = new Map<string, PolicyEntity>();
  for (const p of [...onService, ...onRoutes.flat()]) {
    if ((p.scope === "service" && p.service_id === serviceId) || (p.scope === "route" && routes.some((r) => r.id === p.route_id))) byId.set(p.id, p);
  }
  return [...byId.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function readServiceContent(ops: StoreOps, serviceId: string): Promise<ServiceContent> {
  const service = await ops.get("services", serviceId);
  if (!service) throw new WaygateError("not_found", `services '${serviceId}' not found`);
  const routes = await listAll(ops, "routes", { service_id: serviceId });
  const upstream = service.upstream_id ? await ops.get("upstreams", service.upstream_id) : null;
  return {
    service,
    routes,
    upstream,
    policies: await attachedPolicies(ops, serviceId, routes),
    prompt_apis: await promptApis(ops, serviceId),
  };
}
