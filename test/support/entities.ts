/** Entity documents and sets built in memory, for tests that compile snapshots without a store. */
import { type EntityMap, type EntitySet, INPUT_SCHEMAS, type Kind } from "../../src/config/entities.ts";

const AT = "2026-01-01T00:00:00.000Z";

/** A stored document of `kind`: the input parsed with its schema's defaults, plus id and timestamps. */
export function entityDoc<K extends Kind>(kind: K, id: string, input: Record<string, unknown>): EntityMap[K] {
  return { ...(INPUT_SCHEMAS[kind].parse(input) as object), id, created_at: AT, updated_at: AT } as unknown as EntityMap[K];
}

export function emptyEntitySet(): EntitySet {
  return {
    revision: 1,
    teams: [],
    upstreams: [],
    services: [],
    routes: [],
    applications: [],
    credentials: [],
    subscriptions: [],
    providers: [],
    virtual_models: [],
    model_overrides: [],
    policies: [],
    prompt_apis: [],
  };
}
