/**
 * Attached policies → each route's ordered chain. Key authentication comes
 * first; then global, team (the service's team), service and route
 * policies, least specific first. A `stack` kind keeps every instance; an
 * `override` kind keeps only the most specific one, at that scope's place
 * in the chain. Within one scope, policies run in name order (and the last
 * by name wins for `override` kinds). Application-scoped policies form the
 * most specific level and live in a per-application chain the pipeline
 * switches to after authentication.
 */
import type { EntitySet, PolicyEntity, Service } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import type { PolicyKind, PolicyServices } from "../policies/kind.ts";
import type { Policy } from "../policies/policy.ts";
import type { PolicyKindLookup } from "../policies/registry.ts";
import { bodyCaptures } from "../calls/capture/attach.ts";

interface Built {
  kind: string;
  combine: PolicyKind["combine"];
  policy: Policy;
}

type Level = readonly Built[];

export interface AttachedPolicies {
  global: Level;
  team: ReadonlyMap<string, Level>;
  service: ReadonlyMap<string, Level>;
  route: ReadonlyMap<string, Level>;
  application: ReadonlyMap<string, Level>;
}

/** A policy that could not be built must not silently open the route, so it refuses every request instead. */
function failClosed(entity: PolicyEntity, reason: string): Policy {
  return {
    name: entity.name,
    onRequest: () => new WaygateError("internal_error", `policy '${entity.name}' is not usable: ${reason}`),
  };
}

function targetOf(e: PolicyEntity): string | undefined {
  switch (e.scope) {
    case "team":
      return e.team_id;
    case "service":
      return e.service_id;
    case "route":
      return e.route_id;
    case "application":
      return e.application_id;
    default:
      return undefined;
  }
}

/** Builds every enabled policy once, so routes sharing a policy share its instance (and its state). */
export function buildAttached(set: EntitySet, lookup: PolicyKindLookup, services: PolicyServices): AttachedPolicies {
  const global: Built[] = [];
  const scoped = { team: new Map<string, Built[]>(), service: new Map<string, Built[]>(), route: new Map<string, Built[]>(), application: new Map<string, Built[]>() };
  const sorted = [...set.policies].filter((p) => p.enabled).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entity of sorted) {
    const kind = lookup(entity.kind);
    let policy: Policy;
    if (!kind) {
      console.error(`[waygate] policy ${entity.name}: unknown kind '${entity.kind}'`);
      policy = failClosed(entity, `unknown kind '${entity.kind}'`);
    } else {
      try {
        policy = kind.build(entity.config, { id: entity.id, name: entity.name, scope: entity.scope, services });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        console.error(`[waygate] policy ${entity.name} could not be built: ${reason}`);
        policy = failClosed(entity, reason);
      }
    }
    const built: Built = { kind: entity.kind, combine: kind?.combine ?? "stack", policy };
    if (entity.scope === "global") {
      global.push(built);
      continue;
    }
    const target = targetOf(entity);
    if (target === undefined) continue;
    const map = scoped[entity.scope];
    const list = map.get(target);
    if (list) list.push(built);
    else map.set(target, [built]);
  }
  // Body capture (`log_bodies` on services and routes) rides last in its level; a route's replaces its service's.
  for (const c of bodyCaptures(set)) {
    const map = scoped[c.scope];
    map.set(c.target, [...(map.get(c.target) ?? []), { kind: "log_bodies", combine: "override", policy: c.policy }]);
  }
  return { global, ...scoped };
}

function merge(levels: readonly Level[]): Policy[] {
  const out: Built[] = [];
  for (const level of levels) {
    for (const b of level) {
      if (b.combine === "override") {
        for (let i = out.length - 1; i >= 0; i--) if (out[i]?.kind === b.kind) out.splice(i, 1);
      }
      out.push(b);
    }
  }
  return out.map((b) => b.policy);
}

export interface RouteChains {
  policies: Policy[];
  applicationPolicies: ReadonlyMap<string, readonly Policy[]> | undefined;
}

export function routeChains(routeId: string, service: Service, auth: readonly Policy[], attached: AttachedPolicies): RouteChains {
  const none: Level = [];
  const levels: Level[] = [
    attached.global,
    (service.team_id !== undefined ? attached.team.get(service.team_id) : undefined) ?? none,
    attached.service.get(service.id) ?? none,
    attached.route.get(routeId) ?? none,
  ];
  const policies = [...auth, ...merge(levels)];
  // Without authentication no request is ever tied to an application, so application policies cannot apply.
  if (auth.length === 0 || attached.application.size === 0) return { policies, applicationPolicies: undefined };
  const applicationPolicies = new Map<string, readonly Policy[]>();
  for (const [applicationId, level] of attached.application) applicationPolicies.set(applicationId, [...auth, ...merge([...levels, level])]);
  return { policies, applicationPolicies };
}
