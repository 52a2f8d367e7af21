/**
 * /admin/catalog — the developer portal's API (docs/catalog.md):
 *   GET  /admin/catalog                        services the caller's teams may find (q, tag, category, limit, cursor)
 *   GET  /admin/catalog/subscriptions          the caller's applications' subscriptions (status, limit, cursor)
 *   GET  /admin/catalog/{service}              one service: docs, OpenAPI document, versions, the caller's subscriptions to it
 *   POST /admin/catalog/{service}/subscribe    subscribe one of the caller's applications
 * A service the caller's teams may not find answers 404, exactly like one
 * that does not exist, and never counts in a total.
 */
import type { Service } from "../config/entities.ts";
import { WaygateError, errorResponse } from "../core/errors.ts";
import type { AdminCall } from "../control/extensions.ts";
import { readJson } from "../control/http.ts";
import { findByIdOrName } from "../control/lookup.ts";
import type { Result } from "../control/resources.ts";
import { serviceOpenApi, withServer } from "../openapi-io/export.ts";
import { readServiceContent } from "../store/service-content.ts";
import { catalogServices, docsOf, entryOf, isListed, teamsById, visibleIn } from "./entry.ts";
import { checkParams, pageOf } from "./page.ts";
import { releasedVersions } from "./releases.ts";
import { matches, readQuery } from "./search.ts";
import { subscribeFromCatalog } from "./subscribe.ts";
import { scopeApplications, subscriptionsOf, subscriptionView } from "./subscriptions.ts";

const SUBSCRIPTION_STATUSES = new Set(["pending", "approved", "rejected", "cancelled", "revoked"]);

function methodNotAllowed(allowed: string): Response {
  return errorResponse(new WaygateError("method_not_allowed", `method not allowed; use ${allowed}`), undefined, { allow: allowed });
}

function isRead(call: AdminCall): boolean {
  return call.req.method === "GET" || call.req.method === "HEAD";
}

async function findService(call: AdminCall, ref: string): Promise<Service> {
  const service = await findByIdOrName(call.store, "services", ref);
  if (!service || !(call.scope.kind === "all" || (isListed(service) && visibleIn(call.scope, service)))) {
    throw new WaygateError("not_found", `no service '${ref}' in the catalog`);
  }
  return service;
}

async function list(call: AdminCall): Promise<Result> {
  const params = call.url.searchParams;
  checkParams(params, ["q", "tag", "category", "limit", "cursor"]);
  const query = readQuery(params);
  const services = (await catalogServices(call.store, call.scope)).filter((s) => matches(s, query));
  const teams = await teamsById(call.store);
  return { status: 200, body: pageOf(services, (s) => s.name, (s) => entryOf(s, teams), params) };
}

async function detail(call: AdminCall, ref: string): Promise<Result> {
  checkParams(call.url.searchParams, []);
  const service = await findService(call, ref);
  const [teams, content, releases, applications] = await Promise.all([
    teamsById(call.store),
    readServiceContent(call.store, service),
    releasedVersions(call.store, service.id),
    scopeApplications(call.store, call.scope),
  ]);
  const subscriptions = await subscriptionsOf(call.store, applications, service);
  const apps = new Map(applications.map((a) => [a.id, a]));
  const names = new Map([[service.id, { id: service.id, name: service.name }]]);
  return {
    status: 200,
    body: {
      ...entryOf(service, teams),
      docs: docsOf(service),
      releases,
      openapi: withServer(serviceOpenApi(content), call.services.publicUrl ?? process.env.WAYGATE_PUBLIC_URL),
      subscriptions: subscriptions.map((s) => subscriptionView(s, apps, names)),
    },
  };
}

async function mySubscriptions(call: AdminCall): Promise<Result> {
  const params = call.url.searchParams;
  checkParams(params, ["status", "limit", "cursor"]);
  const status = params.get("status");
  if (status !== null && !SUBSCRIPTION_STATUSES.has(status)) {
    throw new WaygateError("validation_failed", "invalid query parameter", { details: [{ path: "status", message: `must be one of ${[...SUBSCRIPTION_STATUSES].join(", ")}` }] });
  }
  const applications = await scopeApplications(call.store, call.scope);
  const subscriptions = (await subscriptionsOf(call.store, applications)).filter((s) => status === null || s.status === status);
  subscriptions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const apps = new Map(applications.map((a) => [a.id, a]));
  const services = new Map<string, { id: string; name: string }>();
  for (const s of subscriptions) {
    if (services.has(s.service_id)) continue;
    const service = await call.store.get("services", s.service_id);
    services.set(s.service_id, { id: s.service_id, name: service?.name ?? s.service_id });
  }
  return { status: 200, body: pageOf(subscriptions, (s) => s.id, (s) => subscriptionView(s, apps, services), params) };
}

export async function catalogRoute(call: AdminCall): Promise<Result | Response> {
  const [first, second, ...more] = call.rest;
  if (more.length > 0) throw new WaygateError("not_found", `no such resource: ${call.url.pathname}`);
  if (first === undefined) return isRead(call) ? list(call) : methodNotAllowed("GET");
  if (second === undefined) {
    if (!isRead(call)) return methodNotAllowed("GET");
    return first === "subscriptions" ? mySubscriptions(call) : detail(call, first);
  }
  if (second !== "subscribe") throw new WaygateError("not_found", `no such resource: ${call.url.pathname}`);
  if (call.req.method !== "POST") return methodNotAllowed("POST");
  const service = await findService(call, first);
  return subscribeFromCatalog(call.store, call.scope, service, await readJson(call.req), call.caller);
}
