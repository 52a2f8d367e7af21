/**
 * The subscriptions of the caller's applications — those of the teams in
 * its scope (every application for system admins) — with the names a
 * catalog user recognises them by.
 */
import type { Application, Service, Subscription } from "../config/entities.ts";
import type { TeamScope } from "../control/scope.ts";
import type { StoreOps } from "../store/store.ts";
import { allWhere } from "../store/all-where.ts";

export interface CatalogSubscription {
  id: string;
  status: Subscription["status"];
  reason: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
  application: { id: string; name: string; team_id: string | null };
  service: { id: string; name: string };
}

export async function scopeApplications(ops: StoreOps, scope: TeamScope): Promise<Application[]> {
  if (scope.kind === "all") return allWhere(ops, "applications", {});
  const perTeam = await Promise.all([...scope.teams].map((team) => allWhere(ops, "applications", { team_id: team })));
  return perTeam.flat();
}

/** The subscriptions of `applications`, to `service` only when given. */
export async function subscriptionsOf(ops: StoreOps, applications: readonly Application[], service?: Service): Promise<Subscription[]> {
  const ids = new Set(applications.map((a) => a.id));
  if (service) return (await allWhere(ops, "subscriptions", { service_id: service.id })).filter((s) => ids.has(s.application_id));
  return (await Promise.all(applications.map((a) => allWhere(ops, "subscriptions", { application_id: a.id })))).flat();
}

export function subscriptionView(s: Subscription, applications: ReadonlyMap<string, Application>, services: ReadonlyMap<string, { id: string; name: string }>): CatalogSubscription {
  const app = applications.get(s.application_id);
  const service = services.get(s.service_id);
  return {
    id: s.id,
    status: s.status,
    reason: s.reason ?? null,
    decided_at: s.decided_at ?? null,
    created_at: s.created_at,
    updated_at: s.updated_at,
    application: { id: s.application_id, name: app?.name ?? s.application_id, team_id: app?.team_id ?? null },
    service: { id: s.service_id, name: service?.name ?? s.service_id },
  };
}
