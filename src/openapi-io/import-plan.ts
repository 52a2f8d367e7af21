/**
 * What an import will do to a service's routes: which mapped routes are
 * new, which existing ones change, which stay as they are, and which of
 * the service's other routes go (with `prune`) or stay.
 */
import type { Route } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import type { StoreOps } from "../store/store.ts";
import type { MappedRoute } from "./route-mapping.ts";

export interface RoutePlan {
  create: MappedRoute[];
  update: Array<{ route: Route; mapped: MappedRoute }>;
  unchanged: Route[];
  delete: Route[];
  /** The service's routes the document does not produce, left alone without `prune`. */
  keep: Route[];
}

export function routeMatches(route: Route, mapped: MappedRoute): boolean {
  return (
    route.methods.length === 1 &&
    route.methods[0] === mapped.method &&
    route.paths.length === 1 &&
    route.paths[0] === mapped.path &&
    route.prefix === false &&
    route.strip_path === false &&
    route.rewrite === mapped.rewrite
  );
}

export async function planRoutes(ops: StoreOps, serviceId: string | null, existing: readonly Route[], mapped: readonly MappedRoute[], prune: boolean): Promise<RoutePlan> {
  const byName = new Map(existing.map((r) => [r.name, r]));
  const plan: RoutePlan = { create: [], update: [], unchanged: [], delete: [], keep: [] };
  for (const m of mapped) {
    const route = byName.get(m.name);
    if (route) {
      if (routeMatches(route, m)) plan.unchanged.push(route);
      else plan.update.push({ route, mapped: m });
      continue;
    }
    // Route names are unique across the store: one of another service's would make the create fail half-way.
    const other = await ops.getByName("routes", m.name);
    if (other && other.service_id !== serviceId) {
      throw new WaygateError("conflict", `the route name '${m.name}' (for ${m.method} ${m.template}) is taken by another service's route`, {
        details: [{ path: "service", message: `route '${m.name}' exists under another service; import under another service name` }],
      });
    }
    plan.create.push(m);
  }
  const produced = new Set(mapped.map((m) => m.name));
  for (const route of existing) {
    if (produced.has(route.name)) continue;
    (prune ? plan.delete : plan.keep).push(route);
  }
  return plan;
}

export function planView(plan: RoutePlan): Record<string, unknown> {
  const view = (m: MappedRoute) => ({ name: m.name, method: m.method, path: m.path, ...(m.rewrite !== undefined ? { rewrite: m.rewrite } : {}) });
  return {
    created: plan.create.map(view),
    updated: plan.update.map(({ mapped }) => view(mapped)),
    unchanged: plan.unchanged.map((r) => r.name),
    deleted: plan.delete.map((r) => r.name),
    kept: plan.keep.map((r) => r.name),
  };
}
