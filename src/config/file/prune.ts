/**
 * Drops every field whose value equals its schema default, recursively, so
 * an exported file says only what differs from the defaults. Loading the
 * pruned value through the same schema gives back the original.
 */
import { z } from "zod";
import { canonical } from "./plan.ts";

const OMIT = Symbol("omit");

function pruneValue(schema: z.ZodType, value: unknown): unknown {
  if (schema instanceof z.ZodDefault) {
    if (canonical(value) === canonical(schema.def.defaultValue)) return OMIT;
    return pruneValue(schema.unwrap() as z.ZodType, value);
  }
  if (schema instanceof z.ZodOptional) return pruneValue(schema.unwrap() as z.ZodType, value);
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item: unknown) => {
      const pruned = pruneValue(schema.element as z.ZodType, item);
      return pruned === OMIT ? item : pruned;
    });
  }
  if (schema instanceof z.ZodObject && typeof value === "object" && value !== null && !Array.isArray(value)) {
    return pruneObject(schema, value as Record<string, unknown>);
  }
  return value;
}

export function pruneObject(schema: z.ZodObject, value: Record<string, unknown>): Record<string, unknown> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const field = shape[key];
    const pruned = field ? pruneValue(field, v) : v;
    if (pruned !== OMIT) out[key] = pruned;
  }
  return out;
}
