/**
 * One service as it stands now — the service, its routes, its upstream,
 * the policies attached to it or its routes, and its prompt APIs — as the
 * ServiceContent a release freezes, an export describes and the catalog
 * shows. Nothing secret is part of it: credentials belong to applications
 * and provider keys to providers, neither to a service.
 */
import type { PolicyEntity, Service } from "../config/entities.ts";
import type { ServiceContent } from "../config/service-content.ts";
import { WaygateError } from "../core/errors.ts";
import { allWhere } from "./all-where.ts";
import type { StoreOps } from "./store.ts";

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export async function readServiceContent(ops: StoreOps, serviceOrId: Service | string): Promise<ServiceContent> {
  const service = typeof serviceOrId === "string" ? await ops.get("services", serviceOrId) : serviceOrId;
  if (!service) throw new WaygateError("not_found", `services '${String(serviceOrId)}' not found`);
  const routes = await allWhere(ops, "routes", { service_id: service.id });
  const routeIds = new Set(routes.map((r) => r.id));
  const onService = await allWhere(ops, "policies", { service_id: service.id });
  const onRoutes = (await Promise.all(routes.map((r) => allWhere(ops, "policies", { route_id: r.id })))).flat();
  const policies = new Map<string, PolicyEntity>();
  for (const p of [...onService, ...onRoutes]) {
    if ((p.scope === "service" && p.service_id === service.id) || (p.scope === "route" && p.route_id !== undefined && routeIds.has(p.route_id))) policies.set(p.id, p);
  }
  return {
    service,
    routes,
    upstream: service.upstream_id ? await ops.get("upstreams", service.upstream_id) : null,
    policies: [...policies.values()].sort(byName),
    prompt_apis: await allWhere(ops, "prompt_apis", { service_id: service.id }),
  };
}
