/**
 * Id-or-name addressing. Paths and reference fields accept an entity's id or,
 * for kinds with a globally unique name, its name; ids win when both match.
 */
import type { EntityMap, Kind } from "../config/entities.ts";
import { KIND_DESCRIPTORS } from "../config/kinds.ts";
import type { StoreOps } from "../store/store.ts";

/** Kinds whose `name` is unique across the whole store (credential names are unique per application only). */
export const NAMED_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  "teams",
  "upstreams",
  "services",
  "routes",
  "applications",
  "providers",
  "virtual_models",
  "model_overrides",
  "policies",
  "prompt_apis",
]);

export async function findByIdOrName<K extends Kind>(ops: StoreOps, kind: K, ref: string): Promise<EntityMap[K] | null> {
  const byId = await ops.get(kind, ref);
  if (byId || !NAMED_KINDS.has(kind)) return byId;
  return ops.getByName(kind, ref);
}

/** Rewrites reference fields given by name to ids. Unknown values are left for the store to reject. */
export async function resolveRefs(ops: StoreOps, kind: Kind, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out = { ...body };
  for (const [field, target] of Object.entries(KIND_DESCRIPTORS[kind].refs)) {
    const value = out[field];
    if (typeof value !== "string" || value.length === 0) continue;
    const found = await findByIdOrName(ops, target, value);
    if (found) out[field] = found.id;
  }
  return out;
}
