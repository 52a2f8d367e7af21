/**
 * The writes that make the store match the file, in an order the store's
 * reference checks accept: dependants that nothing references go first,
 * then creates and updates from the leaves of the reference graph up, then
 * the remaining deletes from the referrers down.
 */
import { KINDS, type EntityMap, type Kind } from "../entities.ts";
import type { EntityData } from "../../store/store.ts";
import { type Entities, identityKeys } from "./current.ts";
import type { Desired, DesiredEntity } from "./desired.ts";

export type Op =
  | { action: "create" | "update"; kind: Kind; id: string; label: string; data: EntityData<Kind> }
  | { action: "delete"; kind: Kind; id: string; label: string };

/** KINDS lists every kind after the kinds it refers to, so it is the order of creation. */
const WRITE_ORDER: readonly Kind[] = KINDS;
const EARLY_DELETES: Kind[] = ["prompt_apis", "policies", "subscriptions", "credentials"];
const LATE_DELETES: Kind[] = ["routes", "services", "applications", "upstreams", "virtual_models", "providers", "model_overrides", "teams"];

/** JSON with sorted keys and no undefined fields, so equal documents compare equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

function documentOf(entity: object): Record<string, unknown> {
  const { id: _id, created_at: _c, updated_at: _u, ...doc } = entity as Record<string, unknown>;
  return doc;
}

/**
 * Orders services so a fallback target comes before the services that fall
 * back to it. Services may fall back to each other in a cycle (the gateway
 * cuts cycles at run time); a cycle is broken at an arbitrary member.
 */
function fallbackFirst<T>(items: T[], idOf: (t: T) => string, fallbackOf: (t: T) => string | undefined): T[] {
  const byId = new Map(items.map((t) => [idOf(t), t]));
  const seen = new Set<string>();
  const out: T[] = [];
  const visit = (t: T): void => {
    const id = idOf(t);
    if (seen.has(id)) return;
    seen.add(id);
    const next = fallbackOf(t);
    const target = next === undefined ? undefined : byId.get(next);
    if (target) visit(target);
    out.push(t);
  };
  for (const t of items) visit(t);
  return out;
}

function fallbackIdOfData(data: object): string | undefined {
  const v = (data as { fallback_service_id?: unknown }).fallback_service_id;
  return typeof v === "string" ? v : undefined;
}

function withoutFallback(data: object): EntityData<Kind> {
  const { fallback_service_id: _f, ...rest } = data as Record<string, unknown>;
  return rest as EntityData<Kind>;
}

function writes<K extends Kind>(kind: K, desired: DesiredEntity<K>[], existing: Map<string, EntityMap[K]>): Op[] {
  if (kind === "services") return serviceWrites(desired as DesiredEntity<"services">[], existing as Map<string, EntityMap["services"]>);
  const ops: Op[] = [];
  for (const d of desired) {
    const before = existing.get(d.key);
    if (!before) ops.push({ action: "create", kind, id: d.id, label: d.label, data: d.data });
    else if (canonical(documentOf(before)) !== canonical(d.data)) ops.push({ action: "update", kind, id: d.id, label: d.label, data: d.data });
  }
  return ops;
}

/**
 * Services reference services. A service whose fallback is not in the store
 * yet when its turn comes (only possible in a cycle) is written without it
 * first and completed by a second update.
 */
function serviceWrites(desired: DesiredEntity<"services">[], existing: Map<string, EntityMap["services"]>): Op[] {
  const present = new Set([...existing.values()].map((e) => e.id));
  const ops: Op[] = [];
  const completions: Op[] = [];
  for (const d of fallbackFirst(desired, (x) => x.id, (x) => fallbackIdOfData(x.data))) {
    const before = existing.get(d.key);
    const fallback = fallbackIdOfData(d.data);
    const deferred = fallback !== undefined && !present.has(fallback);
    const data = deferred ? withoutFallback(d.data) : d.data;
    present.add(d.id);
    if (!before) ops.push({ action: "create", kind: "services", id: d.id, label: d.label, data });
    else if (canonical(documentOf(before)) !== canonical(data)) ops.push({ action: "update", kind: "services", id: d.id, label: d.label, data });
    if (deferred) completions.push({ action: "update", kind: "services", id: d.id, label: d.label, data: d.data });
  }
  return [...ops, ...completions];
}

function deletes<K extends Kind>(kind: K, desired: DesiredEntity<K>[], existing: Map<string, EntityMap[K]>): Op[] {
  const wanted = new Set(desired.map((d) => d.key));
  const gone = [...existing].filter(([key]) => !wanted.has(key)).map(([key, e]) => ({ key, e }));
  if (kind !== "services") return gone.map(({ key, e }) => ({ action: "delete", kind, id: e.id, label: labelOf(kind, key) }));
  // A service is deleted before the service it falls back to; inside a cycle, the referrer's fallback is cleared first.
  const ordered = fallbackFirst(gone, (g) => g.e.id, (g) => fallbackIdOfData(g.e)).reverse();
  const deleted = new Set<string>();
  const cleared = new Set<string>();
  const clears: Op[] = [];
  for (const { e } of ordered) {
    for (const r of gone) {
      if (fallbackIdOfData(r.e) !== e.id || deleted.has(r.e.id) || cleared.has(r.e.id)) continue;
      cleared.add(r.e.id);
      clears.push({ action: "update", kind, id: r.e.id, label: labelOf(kind, r.key), data: withoutFallback(documentOf(r.e)) });
    }
    deleted.add(e.id);
  }
  return [...clears, ...ordered.map(({ key, e }): Op => ({ action: "delete", kind, id: e.id, label: labelOf(kind, key) }))];
}

function labelOf(kind: Kind, key: string): string {
  return kind === "subscriptions" ? key.replace("\u0000", " → ") : key.replace("\u0000", "/");
}

export function planChanges(desired: Desired, current: Entities): Op[] {
  const existing = identityKeys(current);
  const ops: Op[] = [];
  const each = <R>(kinds: readonly Kind[], fn: <K extends Kind>(kind: K) => R[]): void => {
    for (const kind of kinds) ops.push(...(fn(kind) as Op[]));
  };
  each(EARLY_DELETES, (kind) => deletes(kind, desired[kind], existing[kind]));
  each(WRITE_ORDER, (kind) => writes(kind, desired[kind], existing[kind]));
  each(LATE_DELETES, (kind) => deletes(kind, desired[kind], existing[kind]));
  return ops;
}

export interface KindChanges {
  created: number;
  updated: number;
  deleted: number;
}

/** Counts entities, not writes: an entity written twice (a fallback cycle) counts once, as its strongest change. */
export function summarize(ops: Op[]): Record<Kind, KindChanges> {
  const strength = { update: 0, create: 1, delete: 2 } as const;
  const perEntity = new Map<string, Op>();
  for (const op of ops) {
    const key = `${op.kind}\u0000${op.id}`;
    const seen = perEntity.get(key);
    if (!seen || strength[op.action] > strength[seen.action]) perEntity.set(key, op);
  }
  const out = Object.fromEntries(KINDS.map((k) => [k, { created: 0, updated: 0, deleted: 0 }])) as Record<Kind, KindChanges>;
  for (const op of perEntity.values()) out[op.kind][op.action === "create" ? "created" : op.action === "update" ? "updated" : "deleted"]++;
  return out;
}
