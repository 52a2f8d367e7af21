/**
 * How one operation of an API description becomes one route: path
 * templates become route params (`/pets/{petId}` → `/pets/:petId`), the
 * route matches that one method on that exact path, and its name is derived
 * from the service and the operation so that importing the same document
 * again finds the same routes.
 */
import type { SpecOperation } from "./operations.ts";

export interface MappedRoute {
  name: string;
  method: SpecOperation["method"];
  /** The path the gateway matches (with the import's path prefix). */
  path: string;
  /** The path forwarded upstream when a prefix is added at the gateway. */
  rewrite?: string;
  template: string;
}

export interface MappingResult {
  routes: MappedRoute[];
  /** Things the route cannot say exactly as the document does. */
  warnings: string[];
}

const MAX_NAME = 128;

function paramName(raw: string, used: Set<string>): string {
  let name = raw.replace(/[^A-Za-z0-9_]/g, "_");
  if (!/^[A-Za-z_]/.test(name)) name = `p_${name}`;
  if (name === "__proto__") name = "p__proto__";
  let unique = name;
  for (let i = 2; used.has(unique); i++) unique = `${name}_${i}`;
  used.add(unique);
  return unique;
}

/** `/pets/{petId}` → `/pets/:petId`; a segment with text around a template matches as a whole param. */
export function routePathOf(template: string, warnings: string[]): string {
  const used = new Set<string>();
  const segments = template.split("/").map((segment) => {
    const whole = /^\{([^{}]+)\}$/.exec(segment);
    if (whole) return `:${paramName(whole[1] as string, used)}`;
    const inner = /\{([^{}]+)\}/.exec(segment);
    if (!inner) return segment;
    warnings.push(`${template}: the segment '${segment}' is matched as a whole parameter ':${paramName(inner[1] as string, new Set(used))}'`);
    return `:${paramName(inner[1] as string, used)}`;
  });
  const path = segments.join("/");
  return path === "" ? "/" : path;
}

function slug(text: string): string {
  return text
    .replace(/[{}]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-._]+|[-._]+$/g, "")
    .toLowerCase();
}

function shortHash(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex").slice(0, 8);
}

function fit(name: string, key: string): string {
  return name.length <= MAX_NAME ? name : `${name.slice(0, MAX_NAME - 9).replace(/[-._]+$/, "")}-${shortHash(key)}`;
}

function candidates(service: string, op: SpecOperation): string[] {
  const key = `${op.method} ${op.template}`;
  const byPath = fit(`${service}-${slug(`${op.method}-${op.template}`) || op.method.toLowerCase()}`, key);
  const byId = op.operationId !== undefined && slug(op.operationId) !== "" ? fit(`${service}-${slug(op.operationId)}`, key) : undefined;
  return [...(byId ? [byId] : []), byPath, fit(`${service}-${slug(op.method)}-${shortHash(key)}`, key)];
}

/**
 * `<service>-<operationId>` (lower-cased, other characters as `-`), or
 * `<service>-<method>-<path>` without an operationId or when two operations
 * would share a name; a hash of method and path settles what remains.
 */
export function mapOperations(service: string, ops: readonly SpecOperation[], pathPrefix: string): MappingResult {
  const warnings: string[] = [];
  const taken = new Set<string>();
  const routes = ops.map((op) => {
    const options = candidates(service, op);
    const name = options.find((n) => !taken.has(n)) ?? (options[options.length - 1] as string);
    taken.add(name);
    const upstreamPath = routePathOf(op.template, warnings);
    const path = pathPrefix === "" ? upstreamPath : upstreamPath === "/" ? pathPrefix : `${pathPrefix}${upstreamPath}`;
    return { name, method: op.method, path, template: op.template, ...(pathPrefix !== "" ? { rewrite: upstreamPath } : {}) };
  });
  return { routes, warnings: [...new Set(warnings)] };
}
