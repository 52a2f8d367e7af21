/**
 * Where Schema Objects sit in an OpenAPI document. The 3.0 conversion and
 * the write-time schema check both visit exactly these places; schemas
 * nested inside a schema are the visitor's business.
 */
import { type JsonObject, isObject } from "./document.ts";

export type SchemaVisitor = (schema: unknown, path: Array<string | number>) => unknown;

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

function eachEntry(node: unknown, path: Array<string | number>, fn: (value: unknown, path: Array<string | number>) => void): void {
  if (isObject(node)) for (const [k, v] of Object.entries(node)) fn(v, [...path, k]);
}

function schemaAt(holder: unknown, path: Array<string | number>, visit: SchemaVisitor): void {
  if (isObject(holder) && holder.schema !== undefined && holder.$ref === undefined) holder.schema = visit(holder.schema, [...path, "schema"]);
}

function content(holder: unknown, path: Array<string | number>, visit: SchemaVisitor): void {
  if (isObject(holder)) eachEntry(holder.content, [...path, "content"], (media, p) => schemaAt(media, p, visit));
}

/** Parameters and headers carry a schema, or a one-entry content map. */
function parameterLike(node: unknown, path: Array<string | number>, visit: SchemaVisitor): void {
  schemaAt(node, path, visit);
  content(node, path, visit);
}

function response(node: unknown, path: Array<string | number>, visit: SchemaVisitor): void {
  content(node, path, visit);
  if (isObject(node)) eachEntry(node.headers, [...path, "headers"], (h, p) => parameterLike(h, p, visit));
}

function operation(node: unknown, path: Array<string | number>, visit: SchemaVisitor): void {
  if (!isObject(node)) return;
  if (Array.isArray(node.parameters)) node.parameters.forEach((p, i) => parameterLike(p, [...path, "parameters", i], visit));
  content(node.requestBody, [...path, "requestBody"], visit);
  eachEntry(node.responses, [...path, "responses"], (r, p) => response(r, p, visit));
}

function pathItem(node: unknown, path: Array<string | number>, visit: SchemaVisitor): void {
  if (!isObject(node)) return;
  if (Array.isArray(node.parameters)) node.parameters.forEach((p, i) => parameterLike(p, [...path, "parameters", i], visit));
  for (const method of HTTP_METHODS) if (node[method] !== undefined) operation(node[method], [...path, method], visit);
}

/** Calls `visit` on every top-level schema position, storing what it returns there. */
export function visitSchemas(doc: JsonObject, visit: SchemaVisitor): void {
  eachEntry(doc.paths, ["paths"], (item, p) => pathItem(item, p, visit));
  const components = doc.components;
  if (!isObject(components)) return;
  const c: Array<string | number> = ["components"];
  if (isObject(components.schemas)) {
    const schemas = components.schemas;
    for (const name of Object.keys(schemas)) schemas[name] = visit(schemas[name], [...c, "schemas", name]);
  }
  eachEntry(components.parameters, [...c, "parameters"], (n, p) => parameterLike(n, p, visit));
  eachEntry(components.headers, [...c, "headers"], (n, p) => parameterLike(n, p, visit));
  eachEntry(components.requestBodies, [...c, "requestBodies"], (n, p) => content(n, p, visit));
  eachEntry(components.responses, [...c, "responses"], (n, p) => response(n, p, visit));
  eachEntry(components.pathItems, [...c, "pathItems"], (n, p) => pathItem(n, p, visit));
}
