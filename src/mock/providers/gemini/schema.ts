/**
 * Gemini's `parameters` and `responseSchema` use the OpenAPI subset with
 * upper-case type names (`OBJECT`, `STRING`) and `nullable`; the shared
 * minimal-value builder speaks JSON Schema, so types are lower-cased first.
 * `parametersJsonSchema` / `responseJsonSchema` are JSON Schema already.
 */
import type { JsonSchema } from "../../../ai/types.ts";

export function toJsonSchema(schema: unknown): JsonSchema {
  const out = normalize(schema);
  return typeof out === "object" && out !== null && !Array.isArray(out) ? (out as JsonSchema) : {};
}

function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "type" && typeof v === "string") out[k] = v.toLowerCase();
    else out[k] = normalize(v);
  }
  return out;
}
