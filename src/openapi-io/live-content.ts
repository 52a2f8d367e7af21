/**
 * A service's content as it stands now, for exports and the catalog: the
 * service, its routes, its upstream, the policies attached to it or its
 * routes, and its prompt APIs in builds that have them.
 */
import { KINDS, type Kind, type PolicyEntity, type Service } from "../config/entities.ts";
import type { ServiceContent } from "../config/service-content.ts";
import type { StoreOps } from "../store/store.ts";
import { allWhere } from "./all-of.ts";

const PROMPT_APIS = "prompt_apis";

function isKind(name: string): name is Kind {
  return (KINDS as readonly string[]).includes(name);
}

export async function liveServiceContent(ops: StoreOps, service: Service): Promise<ServiceContent> {
  const routes = await allWhere(ops, "routes", { service_id: service.id });
  const routeIds = new Set(routes.map((r) => r.id));
  const onService = await allWhere(ops, "policies", { service_id: service.id });
  const onRoutes = (await Promise.all(routes.map((r) => allWhere(ops, "policies", { route_id: r.id })))).flat();
  const policies = new Map<string, PolicyEntity>();
  for (const p of [...onService, ...onRoutes]) {
    if ((p.scope === "service" && p.service_id === service.id) || (p.scope === "route" && p.route_id !== undefined && routeIds.has(p.route_id))) policies.set(p.id, p);
  }
  const promptApis = isKind(PROMPT_APIS) ? ((await allWhere(ops, PROMPT_APIS, { service_id: service.id })) as unknown as Array<Record<string, unknown>>) : [];
  return {
    service,
    routes,
    upstream: service.upstream_id ? await ops.get("upstreams", service.upstream_id) : null,
    policies: [...policies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    prompt_apis: promptApis,
  };
}
