/**
 * The store's entities, read page by page through StoreOps so the same code
 * works outside and inside a transaction.
 */
import { KINDS, type EntityMap, type Kind } from "../entities.ts";
import type { StoreOps } from "../../store/store.ts";

export type Entities = { [K in Kind]: EntityMap[K][] };

async function readKind<K extends Kind>(ops: StoreOps, kind: K): Promise<EntityMap[K][]> {
  const out: EntityMap[K][] = [];
  let cursor: string | undefined;
  do {
    const page = await ops.list(kind, { limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

export async function readAll(ops: StoreOps): Promise<Entities> {
  const out: Partial<Entities> = {};
  for (const kind of KINDS) (out as Record<Kind, unknown>)[kind] = await readKind(ops, kind);
  return out as Entities;
}

/** The identity of an entity across files and stores: its name, or its owner's name with its own. */
export function identityKeys(current: Entities): { [K in Kind]: Map<string, EntityMap[K]> } {
  const appName = new Map(current.applications.map((a) => [a.id, a.name]));
  const serviceName = new Map(current.services.map((s) => [s.id, s.name]));
  const byName = <T extends { name: string }>(items: T[]): Map<string, T> => new Map(items.map((e) => [e.name, e]));
  return {
    teams: byName(current.teams),
    upstreams: byName(current.upstreams),
    services: byName(current.services),
    routes: byName(current.routes),
    applications: byName(current.applications),
    providers: byName(current.providers),
    virtual_models: byName(current.virtual_models),
    model_overrides: byName(current.model_overrides),
    policies: byName(current.policies),
    prompt_apis: byName(current.prompt_apis),
    credentials: new Map(current.credentials.map((c) => [ownedKey(appName.get(c.application_id) ?? c.application_id, c.name), c])),
    subscriptions: new Map(
      current.subscriptions.map((s) => [
        ownedKey(appName.get(s.application_id) ?? s.application_id, serviceName.get(s.service_id) ?? s.service_id),
        s,
      ]),
    ),
  };
}

export function ownedKey(owner: string, name: string): string {
  return `${owner}\u0000${name}`;
}
