/**
 * What a service's lifecycle means on the wire, as the first policy of each
 * of its routes: a retired service answers 410 api_retired naming its
 * successor (in the caller's format — refusals on AI services speak the
 * endpoint's dialect); a deprecated one is served, and every response
 * (refusals included) carries Deprecation, Sunset and Link headers.
 */
import type { Route, Service } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import type { Policy } from "../policies/policy.ts";
import { addDeprecationHeaders, type LifecycleNotice } from "./headers.ts";
import { lifecycleOf } from "./states.ts";

export interface Successor {
  name: string;
  url: string | undefined;
}

/** The first literal part of a route path: `/v2/users/:id` → `/v2/users`. */
function literalPrefix(path: string): string {
  const cut = path.search(/\/[:*]|\*/);
  const head = cut === -1 ? path : path.slice(0, cut);
  return head.length > 0 ? head : "/";
}

/** The successor named by the service, with the URL clients are pointed at. */
export function successorOf(service: Service, services: readonly Service[], routes: readonly Route[]): Successor | undefined {
  const id = service.successor_service_id;
  if (id === undefined) return service.successor_url !== undefined ? { name: service.successor_url, url: service.successor_url } : undefined;
  const next = services.find((s) => s.id === id);
  const firstRoute = routes.find((r) => r.service_id === id);
  const url = service.successor_url ?? (firstRoute?.paths[0] !== undefined ? literalPrefix(firstRoute.paths[0]) : undefined);
  return { name: next?.name ?? id, url };
}

export function lifecyclePolicy(service: Service, successor: Successor | undefined): Policy | undefined {
  const state = lifecycleOf(service);
  if (state === "retired") {
    const message = successor
      ? `service '${service.name}' is retired; use its successor '${successor.name}'${successor.url !== undefined && successor.url !== successor.name ? ` at ${successor.url}` : ""}`
      : `service '${service.name}' is retired`;
    const notice: LifecycleNotice = { successorUrl: successor?.url };
    return {
      name: "lifecycle",
      onRequest: () => new WaygateError("api_retired", message),
      onResponse: (_ctx, headers) => addDeprecationHeaders(headers, notice),
    };
  }
  if (state === "deprecated") {
    const notice: LifecycleNotice = {
      // A deprecation declared without a date (e.g. in a YAML file) dates from the service's last change.
      deprecatedAt: service.deprecated_at ?? service.updated_at,
      sunsetAt: service.sunset_at,
      successorUrl: successor?.url,
      deprecationLink: service.deprecation_link,
    };
    return { name: "lifecycle", onResponse: (_ctx, headers) => addDeprecationHeaders(headers, notice) };
  }
  return undefined;
}
