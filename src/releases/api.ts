/**
 * /admin/releases — immutable releases of services (docs/lifecycle.md):
 *
 *   GET  /admin/releases[?service_id=&limit=&cursor=] newest first, without content
 *   POST /admin/releases {service_id, version, notes, publish?}
 *   GET  /admin/releases/:id                      with its frozen content
 *   GET  /admin/releases/:id/diff[?against=<id>|live]
 *   GET  /admin/releases/:id/openapi              the release's OpenAPI document
 *   POST /admin/releases/:id/publish | approve | reject {reason} | rollback {notes}
 *
 * Releases are never edited or deleted: PUT, PATCH and DELETE answer 405.
 */
import { WaygateError } from "../core/errors.ts";
import type { AdminCall } from "../control/extensions.ts";
import { readJson } from "../control/http.ts";
import type { Result } from "../control/resources.ts";
import type { Caller } from "../identity/caller.ts";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../store/cursor.ts";
import { createRelease, decideRelease, publishRelease, readCreateInput, rollbackTo, visibleRelease, visibleService } from "./actions.ts";
import { serviceOpenApi, withServer } from "../openapi-io/export.ts";
import { readServiceContent } from "../store/service-content.ts";
import { diffContents } from "./diff.ts";
import { listReleases, summary } from "./records.ts";

const LIST_PARAMS = ["service_id", "limit", "cursor"];
const ACTIONS = ["publish", "approve", "reject", "rollback"] as const;
type Action = (typeof ACTIONS)[number];

function methodNotAllowed(allow: string): WaygateError {
  return new WaygateError("method_not_allowed", `method not allowed; use ${allow}`);
}

function isAction(s: string): s is Action {
  return (ACTIONS as readonly string[]).includes(s);
}

function callerOf(call: AdminCall): Caller {
  if (!call.caller) throw new WaygateError("admin_unauthorized", "releases need an authenticated caller");
  return call.caller;
}

function isRead(req: Request): boolean {
  return req.method === "GET" || req.method === "HEAD";
}

async function readObject(req: Request): Promise<Record<string, unknown>> {
  if (req.headers.get("content-type") === null && (await req.clone().text()).length === 0) return {};
  const body = await readJson(req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new WaygateError("validation_failed", "request body must be a JSON object", { details: [{ path: "", message: "expected an object" }] });
  }
  return body as Record<string, unknown>;
}

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new WaygateError("validation_failed", "invalid query parameter", { details: [{ path: "limit", message: `an integer from 1 to ${MAX_LIMIT}` }] });
  }
  return n;
}

async function list(call: AdminCall, caller: Caller): Promise<Result> {
  const params = call.url.searchParams;
  for (const key of params.keys()) {
    if (!LIST_PARAMS.includes(key)) throw new WaygateError("bad_request", `unknown query parameter '${key}'; allowed: ${LIST_PARAMS.join(", ")}`);
  }
  const serviceRef = params.get("service_id");
  const service = serviceRef !== null ? await visibleService(call.store, caller, serviceRef) : undefined;
  const page = await call.store.db.read(
    (q) =>
      listReleases(q, {
        teams: call.scope.kind === "all" ? null : [...call.scope.teams],
        serviceId: service?.id,
        limit: parseLimit(params.get("limit")),
        cursor: params.get("cursor") ?? undefined,
      }),
    true,
  );
  return { status: 200, body: { data: page.data.map(summary), next: page.next, total: page.total } };
}

async function diff(call: AdminCall, caller: Caller, id: string): Promise<Result> {
  const against = call.url.searchParams.get("against");
  const release = await call.store.db.read((q) => visibleRelease(q, caller, id), false);
  if (against === "live") {
    const live = await readServiceContent(call.store, release.service_id);
    return { status: 200, body: { from: { id: release.id, version: release.version }, to: { id: "live", version: live.service.version ?? null }, changes: diffContents(release.content, live) } };
  }
  const baseId = against ?? release.previous_id;
  const base = baseId === null ? null : await call.store.db.read((q) => visibleRelease(q, caller, baseId), false);
  if (base && base.service_id !== release.service_id) {
    throw new WaygateError("validation_failed", "invalid query parameter", { details: [{ path: "against", message: "a release of the same service" }] });
  }
  return {
    status: 200,
    body: { from: base ? { id: base.id, version: base.version } : null, to: { id: release.id, version: release.version }, changes: diffContents(base?.content ?? null, release.content) },
  };
}

async function item(call: AdminCall, caller: Caller, id: string): Promise<Result> {
  if (!isRead(call.req)) throw methodNotAllowed("GET (releases are immutable)");
  return { status: 200, body: await call.store.db.read((q) => visibleRelease(q, caller, id), false) };
}

async function action(call: AdminCall, caller: Caller, id: string, name: Action): Promise<Result> {
  if (call.req.method !== "POST") throw methodNotAllowed("POST");
  const body = await readObject(call.req);
  switch (name) {
    case "publish":
      return publishRelease(call.store, caller, id);
    case "approve":
    case "reject":
      return decideRelease(call.store, caller, id, name, body);
    case "rollback":
      return rollbackTo(call.store, caller, id, body);
  }
}

export async function releasesRoute(call: AdminCall): Promise<Result> {
  const caller = callerOf(call);
  const [id, sub, ...more] = call.rest;
  if (more.length > 0) throw new WaygateError("not_found", `no admin endpoint at ${call.url.pathname}`);
  if (id === undefined) {
    if (isRead(call.req)) return list(call, caller);
    if (call.req.method === "POST") return createRelease(call.store, caller, readCreateInput(await readObject(call.req)));
    throw methodNotAllowed("GET, POST");
  }
  if (sub === undefined) return item(call, caller, id);
  if (sub === "diff") {
    if (!isRead(call.req)) throw methodNotAllowed("GET");
    return diff(call, caller, id);
  }
  if (sub === "openapi") {
    if (!isRead(call.req)) throw methodNotAllowed("GET");
    const release = await call.store.db.read((q) => visibleRelease(q, caller, id), false);
    return { status: 200, body: withServer(serviceOpenApi(release.content), call.services.publicUrl ?? process.env.WAYGATE_PUBLIC_URL) };
  }
  if (isAction(sub)) return action(call, caller, id, sub);
  throw new WaygateError("not_found", `no admin endpoint at ${call.url.pathname}`);
}
