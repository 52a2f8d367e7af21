/**
 * A service as an OpenAPI 3.1 document, the way its clients see it at the
 * gateway: every route path and method is an operation (`:id` → `{id}`),
 * described further by an attached openapi_validation policy's document
 * when there is one (summary, parameters, request body, responses), secured
 * as the service's auth mode says, plus the service's prompt APIs. A pure
 * function of the content, so a release's frozen content exports the same
 * document every time.
 */
import type { Route, Service } from "../config/entities.ts";
import type { ServiceContent } from "../config/service-content.ts";
import { promptApiOpenApi } from "../prompt-apis/admin/openapi.ts";
import type { PromptApi } from "../prompt-apis/entity.ts";
import { type Descriptions, descriptionsOf, describedOperation, describedPathParameters } from "./export-described.ts";
import { exportedSecurity } from "./export-security.ts";
import { isObject, type JsonObject } from "./spec.ts";

/** What a route without methods (every method) is shown as; CONNECT has no OpenAPI operation. */
const ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const OPENAPI_METHODS = new Set(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]);
const COMPONENT_SECTIONS = ["schemas", "parameters", "requestBodies", "responses", "headers", "examples"] as const;

/** `/pets/:id` → `/pets/{id}`; a `*` tail is one `{rest}` parameter. */
export function openApiPath(routePath: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = routePath
    .split("/")
    .map((s) => {
      if (s.startsWith(":")) {
        params.push(s.slice(1));
        return `{${s.slice(1)}}`;
      }
      if (s === "*") {
        params.push("rest");
        return "{rest}";
      }
      return s;
    })
    .join("/");
  return { path, params };
}

function serviceField(service: Service, field: string): unknown {
  return (service as unknown as Record<string, unknown>)[field];
}

/** Route names from an import are `<service>-<operation>`; the operation part is the operationId, so a re-import names the same routes. */
function operationBase(service: Service, route: Route): string {
  const prefix = `${service.name}-`;
  return route.name.startsWith(prefix) && route.name.length > prefix.length ? route.name.slice(prefix.length) : route.name;
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
  used.add(id);
  return id;
}

function pathParameters(names: readonly string[], described: readonly unknown[]): JsonObject[] {
  return names.map((name) => {
    const match = described.find((p) => isObject(p) && p.in === "path" && p.name === name);
    const schema = isObject(match) && isObject(match.schema) ? match.schema : { type: "string" };
    return { name, in: "path", required: true, schema };
  });
}

interface OperationInput {
  service: Service;
  route: Route;
  method: string;
  routePath: string;
  operationId: string;
  descriptions: Descriptions;
}

function operation(input: OperationInput): JsonObject {
  const { route, method, routePath } = input;
  const upstreamPath = route.rewrite ?? routePath;
  const api = input.descriptions.forRoute(route);
  const described = describedOperation(api, method, upstreamPath);
  const declared = [...describedPathParameters(api, upstreamPath), ...(Array.isArray(described?.parameters) ? described.parameters : [])];
  const { params } = openApiPath(routePath);
  const others = declared.filter((p) => !(isObject(p) && p.in === "path"));
  const parameters = [...pathParameters(params, declared), ...others];
  const out: JsonObject = { operationId: input.operationId };
  for (const field of ["summary", "description", "tags", "deprecated"] as const) if (described?.[field] !== undefined) out[field] = described[field];
  if (parameters.length > 0) out.parameters = parameters;
  if (isObject(described?.requestBody)) out.requestBody = described.requestBody;
  out.responses = isObject(described?.responses) ? described.responses : { default: { description: "The upstream's response" } };
  return out;
}

function routeOperations(content: ServiceContent, descriptions: Descriptions, used: Set<string>, paths: Record<string, JsonObject>): void {
  const { service } = content;
  for (const route of content.routes) {
    const methods = (route.methods.length > 0 ? route.methods : [...ANY_METHOD]).filter((m) => OPENAPI_METHODS.has(m));
    const many = methods.length > 1 || route.paths.length > 1;
    route.paths.forEach((routePath, index) => {
      const { path } = openApiPath(routePath);
      const item = (paths[path] ??= {});
      for (const method of methods) {
        const key = method.toLowerCase();
        if (item[key] !== undefined) continue;
        const base = operationBase(service, route);
        const suffix = many ? `-${key}${route.paths.length > 1 ? `-${index + 1}` : ""}` : "";
        item[key] = operation({ service, route, method, routePath, operationId: uniqueId(`${base}${suffix}`, used), descriptions });
      }
    });
  }
}

/** Releases freeze prompt APIs as the documents they were, read back from JSON: the shape is checked before use. */
function isPromptApi(doc: PromptApi): boolean {
  return typeof doc.name === "string" && typeof doc.path === "string" && isObject(doc.input_schema);
}

/**
 * Prompt APIs are described as their own endpoint describes them
 * (src/prompt-apis/admin/openapi.ts); the service's document carries the
 * security requirements, so the operation's own are left out.
 */
function promptOperations(content: ServiceContent, used: Set<string>, paths: Record<string, JsonObject>): void {
  for (const api of content.prompt_apis) {
    if (!isPromptApi(api)) continue;
    const own = promptApiOpenApi(api, content.service, content.routes);
    for (const [path, item] of Object.entries(own.paths as Record<string, JsonObject>)) {
      const { security: _security, ...operation } = item.post as JsonObject;
      const target = (paths[path] ??= {});
      if (target.post !== undefined) continue;
      target.post = { ...operation, operationId: uniqueId(`prompt-${api.name}`, used) };
    }
  }
}

function components(descriptions: Descriptions, security: ReturnType<typeof exportedSecurity>): JsonObject | undefined {
  const out: Record<string, JsonObject> = {};
  for (const api of descriptions.all) {
    const from = isObject(api.doc.components) ? api.doc.components : {};
    for (const section of COMPONENT_SECTIONS) {
      const entries = from[section];
      if (!isObject(entries)) continue;
      const target = (out[section] ??= {});
      for (const [name, value] of Object.entries(entries)) if (!(name in target)) target[name] = value;
    }
  }
  if (security) out.securitySchemes = security.schemes;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function serviceOpenApi(content: ServiceContent): object {
  const { service } = content;
  const descriptions = descriptionsOf(content.policies);
  const security = exportedSecurity(service);
  const paths: Record<string, JsonObject> = {};
  const used = new Set<string>();
  routeOperations(content, descriptions, used, paths);
  promptOperations(content, used, paths);
  const version = serviceField(service, "version");
  const lifecycle = serviceField(service, "lifecycle");
  const doc: JsonObject = {
    openapi: "3.1.0",
    info: {
      title: service.name,
      version: typeof version === "string" ? version : "unversioned",
      ...(service.description !== "" ? { description: service.description } : {}),
    },
    paths,
    "x-waygate-service": { id: service.id, name: service.name, kind: service.kind, ...(typeof lifecycle === "string" ? { lifecycle } : {}) },
  };
  const comps = components(descriptions, security);
  if (comps) doc.components = comps;
  if (security) doc.security = security.requirements;
  return doc;
}

/** The document with the gateway's public URL as its server, for clients reading it outside the gateway. */
export function withServer(doc: object, publicUrl: string | undefined): object {
  if (publicUrl === undefined || publicUrl === "") return doc;
  return { ...doc, servers: [{ url: publicUrl.replace(/\/+$/, ""), description: "The API gateway" }] };
}
