/**
 * Builds the smallest JSON value valid for a JSON schema: required
 * properties only, first enum value, minimum lengths and bounds. Used for
 * simulated tool-call arguments and structured outputs.
 */
import type { JsonSchema } from "../../ai/types.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MAX_DEPTH = 12;

export function minimalJson(schema: JsonSchema, root: JsonSchema = schema, depth = 0): Json {
  if (depth > MAX_DEPTH) return null;
  const s = resolveRef(schema, root);
  if ("const" in s) return s.const as Json;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0] as Json;
  for (const key of ["anyOf", "oneOf"] as const) {
    const first = Array.isArray(s[key]) ? (s[key] as unknown[])[0] : undefined;
    if (isSchema(first)) return minimalJson(first, root, depth + 1);
  }
  if (Array.isArray(s.allOf)) return mergeAll(s.allOf.filter(isSchema), root, depth);
  switch (schemaType(s)) {
    case "object":
      return minimalObject(s, root, depth);
    case "array":
      return minimalArray(s, root, depth);
    case "string":
      return minimalString(s);
    case "integer":
      return minimalNumber(s, true);
    case "number":
      return minimalNumber(s, false);
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return {};
  }
}

/** Tool arguments must be an object even when the schema says nothing useful. */
export function minimalArguments(parameters: JsonSchema): string {
  const value = minimalJson(parameters);
  return JSON.stringify(value !== null && typeof value === "object" && !Array.isArray(value) ? value : {});
}

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function resolveRef(s: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = s.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#")) return s;
  let node: unknown = root;
  for (const part of ref.slice(1).split("/").filter(Boolean)) {
    node = isSchema(node) ? node[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  }
  return isSchema(node) ? node : {};
}

function schemaType(s: JsonSchema): string | undefined {
  const t = s.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return (t.find((x) => x !== "null") ?? t[0]) as string | undefined;
  if (isSchema(s.properties)) return "object";
  if (isSchema(s.items)) return "array";
  return undefined;
}

function minimalObject(s: JsonSchema, root: JsonSchema, depth: number): Json {
  const out: { [key: string]: Json } = {};
  const props = isSchema(s.properties) ? s.properties : {};
  const required = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === "string") : [];
  for (const name of required) {
    const prop = props[name];
    out[name] = isSchema(prop) ? minimalJson(prop, root, depth + 1) : "x";
  }
  return out;
}

function minimalArray(s: JsonSchema, root: JsonSchema, depth: number): Json {
  const min = typeof s.minItems === "number" ? s.minItems : 0;
  const items = isSchema(s.items) ? s.items : {};
  return Array.from({ length: min }, () => minimalJson(items, root, depth + 1));
}

function minimalString(s: JsonSchema): string {
  switch (s.format) {
    case "date-time":
      return "2024-01-01T00:00:00Z";
    case "date":
      return "2024-01-01";
    case "time":
      return "00:00:00";
    case "email":
      return "user@example.com";
    case "uri":
    case "url":
      return "https://example.com";
    case "uuid":
      return "00000000-0000-4000-8000-000000000000";
  }
  const min = typeof s.minLength === "number" ? s.minLength : 1;
  const max = typeof s.maxLength === "number" ? s.maxLength : Number.POSITIVE_INFINITY;
  return "x".repeat(Math.min(Math.max(min, 1), max));
}

function minimalNumber(s: JsonSchema, integer: boolean): number {
  let n = 0;
  if (typeof s.minimum === "number") n = Math.max(n, s.minimum);
  if (typeof s.exclusiveMinimum === "number") n = Math.max(n, s.exclusiveMinimum + (integer ? 1 : 0.5));
  if (typeof s.maximum === "number" && n > s.maximum) n = s.maximum;
  if (typeof s.minimum === "number" && typeof s.maximum === "number" && s.minimum <= 0 && s.maximum >= 0) n = 0;
  return integer ? Math.ceil(n) : n;
}

function mergeAll(parts: JsonSchema[], root: JsonSchema, depth: number): Json {
  let merged: Json = {};
  for (const part of parts) {
    const v = minimalJson(part, root, depth + 1);
    if (v !== null && typeof v === "object" && !Array.isArray(v) && typeof merged === "object" && merged !== null && !Array.isArray(merged)) {
      merged = { ...merged, ...v };
    } else {
      merged = v;
    }
  }
  return merged;
}
