/**
 * What an attached openapi_validation policy says about an operation: its
 * summary, parameters, request body and responses, found by method and by
 * the path the upstream receives (templates compared without their
 * parameter names, since a route may call `{petId}` `:id`). A route's own
 * policy wins over its service's, as at the gateway.
 */
import type { PolicyEntity, Route } from "../config/entities.ts";
import { convertSchema30 } from "../policies/openapi-validation/convert-30.ts";
import { loadDocument } from "../policies/openapi-validation/document.ts";
import { visitSchemas } from "../policies/openapi-validation/schema-positions.ts";
import { isObject, type JsonObject } from "./spec.ts";

export interface DescribedApi {
  doc: JsonObject;
  /** `/pets/{}` → the document's path item. */
  paths: Map<string, JsonObject>;
}

/** Path templates with parameter names left out, so `/pets/{id}`, `/pets/{petId}` and `/pets/:id` compare equal. */
export function templateKey(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return trimmed
    .split("/")
    .map((s) => (s.startsWith(":") || /^\{[^}]+\}$/.test(s) ? "{}" : s))
    .join("/");
}

/**
 * The policy's document as the policy reads it — inline or YAML/JSON text,
 * with 3.0 schemas rewritten to the JSON Schema 2020-12 a 3.1 document
 * speaks (src/policies/openapi-validation/convert-30.ts).
 */
function describe(policy: PolicyEntity): DescribedApi | null {
  const spec = policy.config.spec;
  if (typeof spec !== "string" && !isObject(spec)) return null;
  const loaded = loadDocument(spec);
  if (!loaded.ok) return null;
  const { doc, version } = loaded.loaded;
  if (version === "3.0") visitSchemas(doc, convertSchema30);
  if (!isObject(doc.paths)) return null;
  const paths = new Map<string, JsonObject>();
  for (const [template, item] of Object.entries(doc.paths)) if (isObject(item)) paths.set(templateKey(template), item);
  return { doc, paths };
}

export interface Descriptions {
  /** The description that applies to a route (its own policy's, else the service's). */
  forRoute(route: Route): DescribedApi | null;
  /** Every document in use, for their components. */
  all: DescribedApi[];
}

export function descriptionsOf(policies: readonly PolicyEntity[]): Descriptions {
  const enabled = policies.filter((p) => p.kind === "openapi_validation" && p.enabled);
  const service = enabled.find((p) => p.scope === "service");
  const serviceApi = service ? describe(service) : null;
  const byRoute = new Map<string, DescribedApi>();
  for (const p of enabled) {
    if (p.scope !== "route" || p.route_id === undefined) continue;
    const api = describe(p);
    if (api) byRoute.set(p.route_id, api);
  }
  const all = [...(serviceApi ? [serviceApi] : []), ...byRoute.values()];
  return { forRoute: (route) => byRoute.get(route.id) ?? serviceApi, all };
}

/** The document's operation for `method` on the upstream path `upstreamPath`, if it describes one. */
export function describedOperation(api: DescribedApi | null, method: string, upstreamPath: string): JsonObject | null {
  if (!api) return null;
  const item = api.paths.get(templateKey(upstreamPath));
  const op = item?.[method.toLowerCase()];
  return isObject(op) ? op : null;
}

/** Path-item parameters apply to every operation of the path. */
export function describedPathParameters(api: DescribedApi | null, upstreamPath: string): unknown[] {
  const item = api?.paths.get(templateKey(upstreamPath));
  return Array.isArray(item?.parameters) ? item.parameters : [];
}
