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

const WRITE_ORDER: Kind[] = ["teams", "upstreams", "services", "routes", "applications", "credentials", "subscriptions"];
const EARLY_DELETES: Kind[] = ["subscriptions", "credentials"];
const LATE_DELETES: Kind[] = ["routes", "services", "applications", "upstreams", "teams"];

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

/** Orders services so a fallback target is written before the services that fall back to it. */
function fallbackFirst<T>(items: T[], idOf: (t: T) => string, fallbackOf: (t: T) => string | undefined): T[] {
  const byId = new Map(items.map((t) => [idOf(t), t]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (t: T, depth: number): void => {
    const id = idOf(t);
    if (done.has(id) || depth > items.length) return;
    const next = fallbackOf(t);
    const target = next === undefined ? undefined : byId.get(next);
    if (target) visit(target, depth + 1);
    if (!done.has(id)) {
      done.add(id);
      out.push(t);
    }
  };
  for (const t of items) visit(t, 0);
  return out;
}

function fallbackIdOfData(data: EntityData<Kind>): string | undefined {
  const v = (data as { fallback_service_id?: unknown }).fallback_service_id;
  return typeof v === "string" ? v : undefined;
}

function writes<K extends Kind>(kind: K, desired: DesiredEntity<K>[], existing: Map<string, EntityMap[K]>): Op[] {
  const ordered = kind === "services" ? fallbackFirst(desired, (d) => d.id, (d) => fallbackIdOfData(d.data)) : desired;
  const ops: Op[] = [];
  for (const d of ordered) {
    const before = existing.get(d.key);
    if (!before) ops.push({ action: "create", kind, id: d.id, label: d.label, data: d.data });
    else if (canonical(documentOf(before)) !== canonical(d.data)) ops.push({ action: "update", kind, id: d.id, label: d.label, data: d.data });
  }
  return ops;
}

function deletes<K extends Kind>(kind: K, desired: DesiredEntity<K>[], existing: Map<string, EntityMap[K]>): Op[] {
  const wanted = new Set(desired.map((d) => d.key));
  const gone = [...existing].filter(([key]) => !wanted.has(key)).map(([key, e]) => ({ key, e }));
  // A service is deleted before the service it falls back to.
  const ordered =
    kind === "services"
      ? fallbackFirst(gone, (g) => g.e.id, (g) => fallbackIdOfData(documentOf(g.e) as EntityData<Kind>)).reverse()
      : gone;
  return ordered.map(({ key, e }) => ({ action: "delete", kind, id: e.id, label: labelOf(kind, key) }));
}

function labelOf(kind: Kind, key: string): string {
  return kind === "subscriptions" ? key.replace("\u0000", " → ") : key.replace("\u0000", "/");
}

export function planChanges(desired: Desired, current: Entities): Op[] {
  const existing = identityKeys(current);
  const ops: Op[] = [];
  const each = <R>(kinds: Kind[], fn: <K extends Kind>(kind: K) => R[]): void => {
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

export function summarize(ops: Op[]): Record<Kind, KindChanges> {
  const out = Object.fromEntries(KINDS.map((k) => [k, { created: 0, updated: 0, deleted: 0 }])) as Record<Kind, KindChanges>;
  for (const op of ops) out[op.kind][op.action === "create" ? "created" : op.action === "update" ? "updated" : "deleted"]++;
  return out;
}
