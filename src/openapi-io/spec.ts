/**
 * An API description handed to the import: inline as an object, or as YAML
 * or JSON text. Only documents that stand on their own are accepted — a
 * `$ref` outside the document would make the gateway fetch files or URLs
 * while importing — and the versions the import can map: Swagger 2.0,
 * OpenAPI 3.0.x and 3.1.x.
 */
import { parse as parseYaml } from "yaml";
import type { FieldIssue } from "../core/errors.ts";

export type JsonObject = Record<string, unknown>;
export type SpecVersion = "2.0" | "3.0" | "3.1";

export interface LoadedSpec {
  /** A private copy of the document, plain JSON data. */
  doc: JsonObject;
  version: SpecVersion;
}

export type Loaded = { ok: true; spec: LoadedSpec } | { ok: false; issues: FieldIssue[] };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `spec.paths["/pets/{id}"].get`: a place in the document as a client reads it. */
export function specPath(parts: ReadonlyArray<string | number>): string {
  let out = "spec";
  for (const part of parts) {
    if (typeof part === "number") out += `[${part}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
  }
  return out;
}

function versionOf(doc: JsonObject): SpecVersion | undefined {
  if (doc.swagger === "2.0") return "2.0";
  if (typeof doc.openapi !== "string") return undefined;
  if (/^3\.0\.\d+$/.test(doc.openapi)) return "3.0";
  if (/^3\.1\.\d+$/.test(doc.openapi)) return "3.1";
  return undefined;
}

/** Every `$ref` that leaves the document, with where it is. */
function externalRefs(node: unknown, at: Array<string | number>, out: FieldIssue[]): void {
  if (out.length >= 20) return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => externalRefs(item, [...at, i], out));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) {
      out.push({ path: specPath([...at, key]), message: `only references inside the document ('#/...') are supported, not '${value}'` });
    } else externalRefs(value, [...at, key], out);
  }
}

export function loadSpec(input: unknown): Loaded {
  let data: unknown = input;
  if (typeof input === "string") {
    try {
      // YAML 1.2 is a superset of JSON, so one parser reads both.
      data = parseYaml(input, { maxAliasCount: 100 });
    } catch (err) {
      return { ok: false, issues: [{ path: "spec", message: `not valid YAML or JSON: ${err instanceof Error ? err.message : String(err)}` }] };
    }
  }
  if (!isObject(data)) return { ok: false, issues: [{ path: "spec", message: "must be an OpenAPI or Swagger document (an object)" }] };
  const version = versionOf(data);
  if (!version) {
    const field = data.swagger !== undefined ? "swagger" : "openapi";
    const shown = JSON.stringify(data[field] ?? null);
    return { ok: false, issues: [{ path: specPath([field]), message: `must be OpenAPI 3.0.x, 3.1.x or Swagger 2.0, not ${shown}` }] };
  }
  const doc = JSON.parse(JSON.stringify(data)) as JsonObject;
  const refs: FieldIssue[] = [];
  externalRefs(doc, [], refs);
  if (refs.length > 0) return { ok: false, issues: refs };
  return { ok: true, spec: { doc, version } };
}
