/**
 * What changed between two releases of a service: routes, policies and
 * prompt APIs added, removed or changed (matched by id, so a renamed route
 * is one changed route), and field-level changes of the service and its
 * upstream. Timestamps are not content and are left out.
 */
import type { ServiceContent } from "../config/service-content.ts";

export interface FieldChange {
  /** Dotted path into the document, with array indexes: `paths.0`, `config.limit`. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface ItemRef {
  id: string;
  name: string | null;
}

export interface CollectionDiff {
  added: ItemRef[];
  removed: ItemRef[];
  changed: Array<ItemRef & { changes: FieldChange[] }>;
}

export interface ContentDiff {
  service: FieldChange[];
  upstream: FieldChange[];
  routes: CollectionDiff;
  policies: CollectionDiff;
  prompt_apis: CollectionDiff;
}

const IGNORED = new Set(["created_at", "updated_at"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Leaf-level differences; an array whose length changed is reported whole. */
export function fieldChanges(before: unknown, after: unknown, path = ""): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => path !== "" || !IGNORED.has(k)).sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], path === "" ? k : `${path}.${k}`));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => fieldChanges(item, after[i], path === "" ? String(i) : `${path}.${i}`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before: before ?? null, after: after ?? null }];
}

function ref(item: Record<string, unknown>): ItemRef {
  return { id: String(item.id), name: typeof item.name === "string" ? item.name : null };
}

function byId<T extends object>(items: readonly T[]): Map<string, Record<string, unknown>> {
  return new Map(items.map((i) => [String((i as Record<string, unknown>).id), i as Record<string, unknown>] as const));
}

export function diffCollection<T extends object>(before: readonly T[], after: readonly T[]): CollectionDiff {
  const a = byId(before);
  const b = byId(after);
  const out: CollectionDiff = { added: [], removed: [], changed: [] };
  for (const [id, item] of b) if (!a.has(id)) out.added.push(ref(item));
  for (const [id, item] of a) if (!b.has(id)) out.removed.push(ref(item));
  for (const [id, item] of b) {
    const old = a.get(id);
    if (!old) continue;
    const changes = fieldChanges(old, item);
    if (changes.length > 0) out.changed.push({ ...ref(item), changes });
  }
  return out;
}

const EMPTY: Omit<ServiceContent, "service"> = { routes: [], upstream: null, policies: [], prompt_apis: [] };

/** `before` null: everything in `after` is new. */
export function diffContents(before: ServiceContent | null, after: ServiceContent): ContentDiff {
  const from = before ?? { ...EMPTY, service: null };
  return {
    service: fieldChanges(from.service ?? {}, after.service),
    upstream: fieldChanges(from.upstream ?? {}, after.upstream ?? {}),
    routes: diffCollection(from.routes, after.routes),
    policies: diffCollection(from.policies, after.policies),
    prompt_apis: diffCollection(from.prompt_apis, after.prompt_apis),
  };
}
