/**
 * Writes the store as a waygate.yaml text that validates and applies back to
 * the same store contents. References become names, defaults are left out,
 * credentials appear as key_hash (their keys were never stored), provider
 * secrets as `${WAYGATE_SECRET_<PROVIDER>_<KEY>}` placeholders (secrets never
 * land in an exported file), and the order is by name so two exports of
 * equal stores are equal texts.
 */
import { editableJwt } from "../jwt-credential.ts";
import { Document, isScalar, visit } from "yaml";
import type { z } from "zod";
import type { Provider } from "../ai-entities.ts";
import type { EntitySet } from "../entities.ts";
import type { Store } from "../../store/store.ts";
import { escapeInterpolation } from "./interpolate.ts";
import { pruneObject } from "./prune.ts";
import {
  ApplicationFile,
  CredentialFile,
  ModelOverrideFile,
  PolicyFile,
  PromptApiFile,
  ProviderFile,
  RouteFile,
  ServiceFile,
  TeamFile,
  UpstreamFile,
  VirtualModelFile,
} from "./schema.ts";

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function escapeStrings(value: unknown): unknown {
  if (typeof value === "string") return escapeInterpolation(value);
  if (Array.isArray(value)) return value.map(escapeStrings);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v)]));
  }
  return value;
}

/**
 * Puts the identifying and referencing fields first and nested lists last,
 * the way people write the file.
 */
function entry(
  schema: z.ZodObject,
  head: Record<string, unknown>,
  doc: object,
  drop: string[],
  tail: Record<string, unknown> = {},
): Record<string, unknown> {
  const rest = Object.fromEntries(Object.entries(doc).filter(([k]) => !["id", "created_at", "updated_at", ...drop].includes(k)));
  const pruned = pruneObject(schema, { ...head, ...rest, ...tail });
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(head)) if (key in pruned) ordered[key] = pruned[key];
  for (const [key, value] of Object.entries(pruned)) if (!(key in tail)) ordered[key] = value;
  for (const key of Object.keys(tail)) if (key in pruned) ordered[key] = pruned[key];
  return ordered;
}

export function toConfigDocument(set: EntitySet): Record<string, unknown> {
  const names = (items: { id: string; name: string }[]) => new Map(items.map((e) => [e.id, e.name]));
  const team = names(set.teams);
  const upstream = names(set.upstreams);
  const service = names(set.services);
  const nameOf = (map: Map<string, string>, id: string | undefined) => (id === undefined ? undefined : map.get(id));

  const doc: Record<string, unknown> = { version: 1 };
  if (set.teams.length > 0) doc.teams = [...set.teams].sort(byName).map((t) => entry(TeamFile, { name: t.name }, t, []));
  if (set.upstreams.length > 0) {
    doc.upstreams = [...set.upstreams]
      .sort(byName)
      .map((u) => entry(UpstreamFile, { name: u.name, team: nameOf(team, u.team_id) }, u, ["team_id"]));
  }
  if (set.services.length > 0) {
    doc.services = [...set.services].sort(byName).map((s) => {
      const routes = set.routes
        .filter((r) => r.service_id === s.id)
        .sort(byName)
        .map((r) => entry(RouteFile, { name: r.name, fallback_service: nameOf(service, r.fallback_service_id) }, r, ["service_id", "fallback_service_id"]));
      const head = {
        name: s.name,
        team: nameOf(team, s.team_id),
        upstream: nameOf(upstream, s.upstream_id),
        fallback_service: nameOf(service, s.fallback_service_id),
        successor_service: nameOf(service, s.successor_service_id),
      };
      return entry(ServiceFile, head, s, ["team_id", "upstream_id", "fallback_service_id", "successor_service_id"], { routes });
    });
  }
  if (set.applications.length > 0) {
    doc.applications = [...set.applications].sort(byName).map((a) => {
      const credentials = set.credentials
        .filter((c) => c.application_id === a.id)
        .sort(byName)
        .map((c) =>
          c.jwt !== undefined
            ? entry(CredentialFile, { name: c.name, kind: c.kind }, { ...c, jwt: editableJwt(c.jwt) }, ["application_id", "key_hash", "key_prefix"])
            : entry(CredentialFile, { name: c.name, key_hash: c.key_hash, key_prefix: c.key_prefix || undefined }, c, ["application_id", "key_hash", "key_prefix"]),
        );
      const subscriptions = set.subscriptions
        .filter((s) => s.application_id === a.id)
        .map((s) => ({ service: service.get(s.service_id) ?? s.service_id, status: s.status }))
        .sort((x, y) => (x.service < y.service ? -1 : x.service > y.service ? 1 : 0))
        .map((s) => (s.status === "approved" ? s.service : s));
      return entry(ApplicationFile, { name: a.name, team: nameOf(team, a.team_id) }, a, ["team_id"], { credentials, subscriptions });
    });
  }
  const providers = [...set.providers].sort(byName);
  if (providers.length > 0) {
    doc.providers = providers.map((p) => {
      const keys = p.keys.map(({ secret_enc: _s, session_token_enc: _t, secret_hint: _h, ...k }) => k);
      return entry(ProviderFile, { name: p.name, kind: p.kind, team: nameOf(team, p.team_id) }, { ...p, keys }, ["team_id"]);
    });
  }
  if (set.virtual_models.length > 0) {
    doc.virtual_models = [...set.virtual_models]
      .sort(byName)
      .map((m) => entry(VirtualModelFile, { name: m.name, team: nameOf(team, m.team_id) }, m, ["team_id"]));
  }
  if (set.model_overrides.length > 0) doc.model_overrides = [...set.model_overrides].sort(byName).map((o) => entry(ModelOverrideFile, { name: o.name }, o, []));
  if (set.policies.length > 0) {
    const route = names(set.routes);
    const application = names(set.applications);
    doc.policies = [...set.policies].sort(byName).map((p) => {
      const head = {
        name: p.name,
        kind: p.kind,
        scope: p.scope,
        team: nameOf(team, p.team_id),
        service: nameOf(service, p.service_id),
        route: nameOf(route, p.route_id),
        application: nameOf(application, p.application_id),
      };
      return entry(PolicyFile, head, p, ["team_id", "service_id", "route_id", "application_id"]);
    });
  }
  if (set.prompt_apis.length > 0) {
    doc.prompt_apis = [...set.prompt_apis]
      .sort(byName)
      .map((p) => entry(PromptApiFile, { name: p.name, service: nameOf(service, p.service_id) }, p, ["service_id"]));
  }
  const escaped = escapeStrings(doc) as Record<string, unknown>;
  if (Array.isArray(escaped.providers)) escaped.providers = escaped.providers.map((e, i) => withSecretPlaceholders(e as Record<string, unknown>, providers[i]!));
  if (Array.isArray(escaped.applications)) escaped.applications = escaped.applications.map((a) => withJwtSecretPlaceholders(a as Record<string, unknown>, set));
  return escaped;
}

/** The variable an exported file names for a JWT credential's HMAC secret (keys told apart by kid, else by position). */
export function jwtSecretEnvName(application: string, credential: string, key: string): string {
  return `WAYGATE_JWT_SECRET_${envPart(application)}_${envPart(credential)}_${envPart(key)}`;
}

/** Like withSecretPlaceholders, for the sealed secrets of an application's JWT credentials. */
function withJwtSecretPlaceholders(exported: Record<string, unknown>, set: EntitySet): Record<string, unknown> {
  const app = set.applications.find((a) => a.name === exported.name);
  if (!app || !Array.isArray(exported.credentials)) return exported;
  const credentials = exported.credentials.map((c: Record<string, unknown>) => {
    const stored = set.credentials.find((s) => s.application_id === app.id && s.name === c.name)?.jwt;
    const jwt = c.jwt as Record<string, unknown> | undefined;
    if (!stored || !jwt || !Array.isArray(jwt.keys)) return c;
    const keys = jwt.keys.map((k: Record<string, unknown>, i: number) => {
      const sealed = stored.keys[i];
      if (sealed?.secret_enc === undefined) return k;
      return { ...k, secret: `\${${jwtSecretEnvName(app.name, String(c.name), sealed.kid ?? String(i))}}` };
    });
    return { ...c, jwt: { ...jwt, keys } };
  });
  return { ...exported, credentials };
}

/** Environment variable names are upper case letters, digits and underscores. */
function envPart(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The variable an exported file names for a provider key's secret. */
export function secretEnvName(provider: string, key: string): string {
  return `WAYGATE_SECRET_${envPart(provider)}_${envPart(key)}`;
}

/** The variable an exported file names for a provider key's AWS session token. */
export function sessionTokenEnvName(provider: string, key: string): string {
  return `WAYGATE_SESSION_TOKEN_${envPart(provider)}_${envPart(key)}`;
}

/** Added after escaping, since these `${…}` are meant to be interpolated. */
function withSecretPlaceholders(exported: Record<string, unknown>, provider: Provider): Record<string, unknown> {
  if (!Array.isArray(exported.keys)) return exported;
  const keys = exported.keys.map((k: Record<string, unknown>, i: number) => {
    const stored = provider.keys[i];
    const { name, ...rest } = k;
    const out: Record<string, unknown> = { name };
    if (stored?.secret_enc !== undefined) out.secret = `\${${secretEnvName(provider.name, stored.name)}}`;
    if (stored?.session_token_enc !== undefined) out.session_token = `\${${sessionTokenEnvName(provider.name, stored.name)}}`;
    return { ...out, ...rest };
  });
  return { ...exported, keys };
}

/** YAML text of a config document; short lists of plain values stay on one line (`methods: [GET, POST]`). */
export function stringifyConfig(value: Record<string, unknown>): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_key, node) {
      const short = (i: unknown) => isScalar(i) && String(i.value).length <= 64;
      if (node.items.length > 0 && node.items.length <= 8 && node.items.every(short)) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export async function exportConfig(store: Store): Promise<string> {
  return stringifyConfig(toConfigDocument(await store.loadAll()));
}
