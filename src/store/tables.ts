/**
 * The physical layout of the entity tables: which fields of each kind live
 * in real columns (name, references, unique fields) rather than in the JSON
 * document. Migrations 1 (REST kinds), 2 (AI kinds) and 3 (policies) create exactly these columns; test/store checks
 * that every reference and unique field of KIND_DESCRIPTORS is one of them,
 * so a new reference cannot be added without a migration.
 */
import type { Kind } from "../config/entities.ts";
import { KINDS } from "../config/entities.ts";
import { KIND_DESCRIPTORS } from "../config/kinds.ts";

export interface TableSpec {
  kind: Kind;
  /** Column fields besides id, in table order. */
  columns: readonly string[];
  /** Column fields that must be present (NOT NULL in the schema). */
  required: readonly string[];
  /** Whether `name` is unique on its own, so getByName is meaningful. */
  uniqueName: boolean;
}

const COLUMNS: Record<Kind, { columns: readonly string[]; required: readonly string[] }> = {
  teams: { columns: ["name"], required: ["name"] },
  upstreams: { columns: ["name", "team_id"], required: ["name"] },
  services: { columns: ["name", "team_id", "upstream_id", "fallback_service_id"], required: ["name"] },
  routes: { columns: ["name", "service_id", "fallback_service_id"], required: ["name", "service_id"] },
  applications: { columns: ["name", "team_id"], required: ["name"] },
  credentials: { columns: ["name", "application_id", "key_hash"], required: ["name", "application_id", "key_hash"] },
  subscriptions: { columns: ["application_id", "service_id"], required: ["application_id", "service_id"] },
  providers: { columns: ["name", "team_id"], required: ["name"] },
  virtual_models: { columns: ["name", "team_id"], required: ["name"] },
  model_overrides: { columns: ["name"], required: ["name"] },
  policies: { columns: ["name", "team_id", "service_id", "route_id", "application_id"], required: ["name"] },
  prompt_apis: { columns: ["name", "service_id", "path"], required: ["name", "service_id", "path"] },
};

export const TABLES: Record<Kind, TableSpec> = Object.fromEntries(
  KINDS.map((kind) => [
    kind,
    {
      kind,
      ...COLUMNS[kind],
      uniqueName: KIND_DESCRIPTORS[kind].unique.some((set) => set.length === 1 && set[0] === "name"),
    },
  ]),
) as Record<Kind, TableSpec>;

/** One reference field: `from.field` holds the id of a `to`. */
export interface Relation {
  from: Kind;
  field: string;
  to: Kind;
  /**
   * Deleting the `to` row deletes the `from` row. Only required references
   * to a kind listed in cascadeFrom cascade: an optional one (a fallback
   * service) is a pointer, not ownership, so it blocks the delete instead
   * of silently removing another service's route.
   */
  cascade: boolean;
}

export const RELATIONS: readonly Relation[] = KINDS.flatMap((from) => {
  const d = KIND_DESCRIPTORS[from];
  return Object.entries(d.refs).map(([field, to]) => ({
    from,
    field,
    to,
    cascade: d.cascadeFrom.includes(to) && TABLES[from].required.includes(field),
  }));
});

export function relationsFrom(kind: Kind): readonly Relation[] {
  return RELATIONS.filter((r) => r.from === kind);
}

export function relationsTo(kind: Kind): readonly Relation[] {
  return RELATIONS.filter((r) => r.to === kind);
}
