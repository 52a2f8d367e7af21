/**
 * Turns a validated file into the exact documents the store should hold,
 * with ids: an entity that already exists (same identity) keeps its id, a
 * new one gets a fresh id up front so references to it resolve before it
 * is written.
 */
import type { EntityMap, Kind } from "../entities.ts";
import { newId } from "../../core/ids.ts";
import { hashApiKey, keyPrefix } from "../../core/keys.ts";
import type { SecretBox } from "../../core/secrets.ts";
import { jwtMatcherHash, sealJwt } from "../jwt-credential.ts";
import { sealProviderKeys } from "../provider-keys.ts";
import type { EntityData } from "../../store/store.ts";
import { type Entities, identityKeys, ownedKey } from "./current.ts";
import type { WaygateConfig } from "./schema.ts";

export interface DesiredEntity<K extends Kind> {
  id: string;
  /** Identity key (see identityKeys). */
  key: string;
  /** Human-readable label for plans and summaries. */
  label: string;
  data: EntityData<K>;
}

export type Desired = { [K in Kind]: DesiredEntity<K>[] };

/** Drops undefined fields so documents compare and store the same way. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * `secrets` seals provider key and JWT secrets; a file with secrets and no box fails
 * with secrets_unavailable. An unchanged secret keeps its stored ciphertext,
 * so applying the same file twice writes nothing.
 */
export function desiredState(cfg: WaygateConfig, current: Entities, secrets?: SecretBox): Desired {
  const existing = identityKeys(current);
  const idOf = <K extends Kind>(kind: K, key: string): string => (existing[kind].get(key) as EntityMap[K] | undefined)?.id ?? newId();
  const ids = {
    teams: new Map(cfg.teams.map((t) => [t.name, idOf("teams", t.name)])),
    upstreams: new Map(cfg.upstreams.map((u) => [u.name, idOf("upstreams", u.name)])),
    services: new Map(cfg.services.map((s) => [s.name, idOf("services", s.name)])),
    applications: new Map(cfg.applications.map((a) => [a.name, idOf("applications", a.name)])),
    routes: new Map(cfg.services.flatMap((s) => s.routes.map((r) => [r.name, idOf("routes", r.name)] as const))),
  };
  const ref = (map: Map<string, string>, name: string | undefined): string | undefined => (name === undefined ? undefined : map.get(name));
  const mustRef = (map: Map<string, string>, name: string): string => {
    const id = map.get(name);
    if (id === undefined) throw new Error(`unresolved reference '${name}' in a validated config`);
    return id;
  };

  const out: Desired = {
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
  for (const t of cfg.teams) out.teams.push({ id: mustRef(ids.teams, t.name), key: t.name, label: t.name, data: compact(t) });
  for (const { team, ...u } of cfg.upstreams) {
    out.upstreams.push({ id: mustRef(ids.upstreams, u.name), key: u.name, label: u.name, data: compact({ ...u, team_id: ref(ids.teams, team) }) });
  }
  for (const { team, upstream, fallback_service, successor_service, routes, ...s } of cfg.services) {
    const serviceId = mustRef(ids.services, s.name);
    out.services.push({
      id: serviceId,
      key: s.name,
      label: s.name,
      data: compact({
        ...s,
        team_id: ref(ids.teams, team),
        upstream_id: ref(ids.upstreams, upstream),
        fallback_service_id: ref(ids.services, fallback_service),
        successor_service_id: ref(ids.services, successor_service),
      }),
    });
    for (const { fallback_service: routeFallback, ...r } of routes) {
      out.routes.push({
        id: mustRef(ids.routes, r.name),
        key: r.name,
        label: r.name,
        data: compact({ ...r, service_id: serviceId, fallback_service_id: ref(ids.services, routeFallback) }),
      });
    }
  }
  for (const { team, credentials, subscriptions, ...a } of cfg.applications) {
    const applicationId = mustRef(ids.applications, a.name);
    out.applications.push({ id: applicationId, key: a.name, label: a.name, data: compact({ ...a, team_id: ref(ids.teams, team) }) });
    for (const { key, key_hash, key_prefix, jwt, ...c } of credentials) {
      const identity = ownedKey(a.name, c.name);
      const before = existing.credentials.get(identity);
      if (jwt !== undefined) {
        const sealed = sealJwt(jwt, before?.jwt, secrets, `applications.${a.name}.credentials.${c.name}.jwt`);
        out.credentials.push({
          id: idOf("credentials", identity),
          key: identity,
          label: `${a.name}/${c.name}`,
          data: compact({ ...c, application_id: applicationId, jwt: sealed, key_hash: jwtMatcherHash(sealed), key_prefix: "" }),
        });
        continue;
      }
      const hash = key !== undefined ? hashApiKey(key) : (key_hash ?? "");
      // Without the key, the visible prefix can only come from the file or from the credential already stored with this hash.
      const prefix = key !== undefined ? keyPrefix(key) : (key_prefix ?? (before?.key_hash === hash ? before.key_prefix : ""));
      out.credentials.push({
        id: idOf("credentials", identity),
        key: identity,
        label: `${a.name}/${c.name}`,
        data: compact({ ...c, application_id: applicationId, key_hash: hash, key_prefix: prefix }),
      });
    }
    for (const s of subscriptions) {
      const identity = ownedKey(a.name, s.service);
      out.subscriptions.push({
        id: idOf("subscriptions", identity),
        key: identity,
        label: `${a.name} → ${s.service}`,
        data: { application_id: applicationId, service_id: mustRef(ids.services, s.service), status: s.status },
      });
    }
  }
  for (const { team, keys, ...p } of cfg.providers) {
    const before = existing.providers.get(p.name);
    const sealed = sealProviderKeys(keys, before?.keys ?? [], secrets).map((k) => compact(k));
    out.providers.push({ id: idOf("providers", p.name), key: p.name, label: p.name, data: compact({ ...p, team_id: ref(ids.teams, team), keys: sealed }) });
  }
  for (const { team, ...m } of cfg.virtual_models) {
    out.virtual_models.push({ id: idOf("virtual_models", m.name), key: m.name, label: m.name, data: compact({ ...m, team_id: ref(ids.teams, team) }) });
  }
  for (const o of cfg.model_overrides) {
    out.model_overrides.push({ id: idOf("model_overrides", o.name), key: o.name, label: o.name, data: compact(o) });
  }
  for (const { team, service, route, application, ...p } of cfg.policies) {
    out.policies.push({
      id: idOf("policies", p.name),
      key: p.name,
      label: p.name,
      data: compact({
        ...p,
        team_id: ref(ids.teams, team),
        service_id: ref(ids.services, service),
        route_id: ref(ids.routes, route),
        application_id: ref(ids.applications, application),
      }),
    });
  }
  for (const { service, ...p } of cfg.prompt_apis) {
    out.prompt_apis.push({ id: idOf("prompt_apis", p.name), key: p.name, label: p.name, data: compact({ ...p, service_id: mustRef(ids.services, service) }) });
  }
  return out;
}
