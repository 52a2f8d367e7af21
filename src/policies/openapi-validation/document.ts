/**
 * An OpenAPI document as configured: inline, or as YAML/JSON text. Only
 * OpenAPI 3.0.x and 3.1.x are accepted; the returned copy is plain JSON data
 * the compiler may rewrite (3.0 schemas become JSON Schema 2020-12) without
 * touching the stored configuration.
 */
import { parse as parseYaml } from "yaml";

export type JsonObject = Record<string, unknown>;
export type OasVersion = "3.0" | "3.1";

/** A problem in the document, at its place inside it (`paths./items.get.parameters.0`). */
export interface DocumentIssue {
  path: Array<string | number>;
  message: string;
}

export interface LoadedDocument {
  doc: JsonObject;
  version: OasVersion;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function loadDocument(spec: string | JsonObject): { ok: true; loaded: LoadedDocument } | { ok: false; issues: DocumentIssue[] } {
  let data: unknown = spec;
  if (typeof spec === "string") {
    try {
      // YAML 1.2 is a superset of JSON, so one parser reads both.
      data = parseYaml(spec, { maxAliasCount: 100 });
    } catch (err) {
      return { ok: false, issues: [{ path: [], message: `not valid YAML or JSON: ${err instanceof Error ? err.message : String(err)}` }] };
    }
  }
  if (!isObject(data)) return { ok: false, issues: [{ path: [], message: "must be an OpenAPI document (an object)" }] };
  const openapi = data.openapi;
  const version = typeof openapi === "string" ? (/^3\.0\.\d+$/.test(openapi) ? "3.0" : /^3\.1\.\d+$/.test(openapi) ? "3.1" : undefined) : undefined;
  if (!version) {
    const shown = typeof data.swagger === "string" ? `Swagger ${data.swagger}` : JSON.stringify(openapi ?? null);
    return { ok: false, issues: [{ path: ["openapi"], message: `must be an OpenAPI 3.0.x or 3.1.x version, not ${shown}` }] };
  }
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(data));
  } catch (err) {
    return { ok: false, issues: [{ path: [], message: `not JSON data: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  return { ok: true, loaded: { doc: copy as JsonObject, version } };
}

/** RFC 6901 JSON pointer of a path inside the document, as JSON Schema `$ref`s spell it. */
export function pointerOf(path: ReadonlyArray<string | number>): string {
  return path.map((p) => `/${String(p).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

/**
 * Follows a Reference Object (`{$ref: "#/components/parameters/limit"}`)
 * to its target inside the document, through chains of references.
 */
export function resolveReference(
  doc: JsonObject,
  value: unknown,
  at: Array<string | number>,
): { ok: true; value: unknown; path: Array<string | number> } | { ok: false; issue: DocumentIssue } {
  let current = value;
  let path = at;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
    const ref = current.$ref;
    if (hops >= 32) return { ok: false, issue: { path: at, message: `reference chain too long or circular at '${ref}'` } };
    if (!ref.startsWith("#")) return { ok: false, issue: { path: [...path, "$ref"], message: `only references inside the document ('#/...') are supported, not '${ref}'` } };
    const target = targetOf(doc, ref);
    if (!target) return { ok: false, issue: { path: [...path, "$ref"], message: `'${ref}' does not resolve inside the document` } };
    current = target.value;
    path = target.path;
  }
  return { ok: true, value: current, path };
}

function targetOf(doc: JsonObject, ref: string): { value: unknown; path: Array<string | number> } | undefined {
  const fragment = decodeURIComponent(ref.slice(1));
  if (fragment !== "" && !fragment.startsWith("/")) return undefined;
  const parts = fragment === "" ? [] : fragment.slice(1).split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  let node: unknown = doc;
  const path: Array<string | number> = [];
  for (const part of parts) {
    if (Array.isArray(node)) {
      const i = Number(part);
      if (!/^\d+$/.test(part) || i >= node.length) return undefined;
      node = node[i];
      path.push(i);
    } else if (isObject(node) && Object.hasOwn(node, part)) {
      node = node[part];
      path.push(part);
    } else return undefined;
  }
  return { value: node, path };
}

/** Follows local `$ref`s of a schema to the schema that says what it is (for the shape of a parameter). */
export function derefSchema(doc: JsonObject, schema: unknown): JsonObject | undefined {
  const r = resolveReference(doc, schema, []);
  return r.ok && isObject(r.value) ? r.value : undefined;
}
