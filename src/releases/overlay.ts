/**
 * A released service is served from its published release, not from its
 * live entities: before compiling, the live documents of each released
 * service (the service, its routes, the policies on it and its routes,
 * its prompt APIs) are replaced by the release's frozen ones. The live
 * entities stay what they are — the draft of the next release.
 *
 * Whether a service is on or off and where it stands in its lifecycle are
 * operations, not content: `enabled` and the lifecycle fields always come
 * from the live service, so a deprecation or a kill switch takes effect
 * without a new release.
 */
import type { EntitySet, Service, Upstream } from "../config/entities.ts";
import type { ServiceContent } from "../config/service-content.ts";

export type LiveReleases = ReadonlyMap<string, { releaseId: string; content: ServiceContent }>;

const OPERATIONAL_FIELDS = ["enabled", "lifecycle", "successor_service_id", "successor_url", "deprecated_at", "sunset_at", "deprecation_link"] as const;

function operational(live: Service): Partial<Service> {
  const out: Record<string, unknown> = {};
  for (const f of OPERATIONAL_FIELDS) out[f] = live[f];
  return out as Partial<Service>;
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function sameUpstream(a: Upstream, b: Upstream): boolean {
  const strip = ({ created_at: _c, updated_at: _u, ...rest }: Upstream) => rest;
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/**
 * The frozen upstream keeps the live one's id (and so its targets' health
 * and breaker state) while it is unchanged; once the live upstream is
 * edited, or shared with another service, the frozen copy gets an id of its
 * own so neither side sees the other's version.
 */
function placeUpstream(frozen: Upstream, releaseId: string, upstreams: Map<string, Upstream>): string {
  const live = upstreams.get(frozen.id);
  if (!live) {
    upstreams.set(frozen.id, frozen);
    return frozen.id;
  }
  if (sameUpstream(live, frozen)) return live.id;
  const id = `${frozen.id}@release:${releaseId}`;
  upstreams.set(id, { ...frozen, id });
  return id;
}

export function applyReleases(set: EntitySet, releases: LiveReleases): EntitySet {
  const released = new Map<string, { releaseId: string; content: ServiceContent; live: Service }>();
  for (const s of set.services) {
    const r = releases.get(s.id);
    if (r) released.set(s.id, { ...r, live: s });
  }
  if (released.size === 0) return set;

  const upstreams = new Map(set.upstreams.map((u) => [u.id, u] as const));
  const services = set.services.map((s) => {
    const r = released.get(s.id);
    if (!r) return s;
    const frozen: Service = { ...withoutOperational(r.content.service), ...withoutUndefined(operational(r.live)) } as Service;
    const upstream = r.content.upstream;
    if (upstream) frozen.upstream_id = placeUpstream(upstream, r.releaseId, upstreams);
    return frozen;
  });

  const liveRouteIds = new Set(set.routes.filter((r) => released.has(r.service_id)).map((r) => r.id));
  const routes = [...set.routes.filter((r) => !released.has(r.service_id)), ...[...released.values()].flatMap((r) => r.content.routes)];
  const policies = [
    ...set.policies.filter((p) => !(p.scope === "service" && p.service_id !== undefined && released.has(p.service_id)) && !(p.scope === "route" && p.route_id !== undefined && liveRouteIds.has(p.route_id))),
    ...[...released.values()].flatMap((r) => r.content.policies),
  ];
  const promptApis = [...set.prompt_apis.filter((p) => !released.has(p.service_id)), ...[...released.values()].flatMap((r) => r.content.prompt_apis)];
  const out: EntitySet = { ...set, services, routes, policies, prompt_apis: promptApis, upstreams: [...upstreams.values()] };
  return out;
}

function withoutOperational(s: Service): Partial<Service> {
  const out: Record<string, unknown> = { ...s };
  for (const f of OPERATIONAL_FIELDS) delete out[f];
  return out as Partial<Service>;
}
