/**
 * /admin/lifecycle/:service — where a service stands, and the one way to
 * move it on (docs/lifecycle.md):
 *
 *   GET  /admin/lifecycle/:service
 *   POST /admin/lifecycle/:service {to, successor_service_id?, successor_url?, sunset_at?, deprecation_link?}
 *
 * A step writes the service's lifecycle fields (the revision moves, so the
 * gateway applies it within its poll interval) and its audit entry in one
 * transaction.
 */
import type { LifecycleState, Service } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import type { AdminCall } from "../control/extensions.ts";
import { readJson } from "../control/http.ts";
import type { Result } from "../control/resources.ts";
import { SERVICE_MANAGERS } from "../identity/access.ts";
import { recordAudit } from "../identity/audit.ts";
import { auditOf, type Caller } from "../identity/caller.ts";
import { hasRole } from "../identity/principal.ts";
import { visibleService } from "../releases/actions.ts";
import { publishedRelease, summary } from "../releases/records.ts";
import type { EntityData, Store } from "../store/store.ts";
import { checkTransition, isLifecycleState, LIFECYCLE_TRANSITIONS, lifecycleOf } from "./states.ts";

const FIELDS = ["to", "successor_service_id", "successor_url", "sunset_at", "deprecation_link"] as const;

interface Step {
  to: LifecycleState;
  successor_service_id?: string;
  successor_url?: string;
  sunset_at?: string;
  deprecation_link?: string;
}

function invalid(path: string, message: string): WaygateError {
  return new WaygateError("validation_failed", `invalid ${path}`, { details: [{ path, message }] });
}

function optionalString(body: Record<string, unknown>, field: string, check: (s: string) => boolean, message: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || !check(v)) throw invalid(field, message);
  return v;
}

function isUrl(s: string): boolean {
  return URL.canParse(s) && /^https?:$/.test(new URL(s).protocol);
}

function readStep(body: unknown): Step {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("", "request body must be a JSON object");
  const o = body as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!(FIELDS as readonly string[]).includes(key)) throw invalid(key, `unknown field; allowed: ${FIELDS.join(", ")}`);
  if (!isLifecycleState(o.to)) throw invalid("to", "one of draft, published, deprecated, retired");
  const step: Step = { to: o.to };
  const successor = optionalString(o, "successor_service_id", (s) => s.length > 0, "the id or name of a service");
  const url = optionalString(o, "successor_url", (s) => s.startsWith("/") || isUrl(s), "an absolute http(s) URL or a path starting with /");
  const sunset = optionalString(o, "sunset_at", (s) => !Number.isNaN(Date.parse(s)), "an ISO 8601 date-time");
  const docs = optionalString(o, "deprecation_link", isUrl, "an absolute http(s) URL");
  if (successor !== undefined) step.successor_service_id = successor;
  if (url !== undefined) step.successor_url = url;
  if (sunset !== undefined) step.sunset_at = new Date(sunset).toISOString();
  if (docs !== undefined) step.deprecation_link = docs;
  return step;
}

function view(service: Service): Record<string, unknown> {
  const state = lifecycleOf(service);
  return {
    id: service.id,
    name: service.name,
    version: service.version ?? null,
    lifecycle: state,
    allowed: LIFECYCLE_TRANSITIONS[state],
    successor_service_id: service.successor_service_id ?? null,
    successor_url: service.successor_url ?? null,
    deprecated_at: service.deprecated_at ?? null,
    sunset_at: service.sunset_at ?? null,
    deprecation_link: service.deprecation_link ?? null,
  };
}

/** The service's document after the step: moving back to published withdraws the deprecation's dates. */
function stepped(service: Service, step: Step, successorId: string | undefined, now: Date): Record<string, unknown> {
  const { id: _id, created_at: _c, updated_at: _u, ...doc } = service;
  const next: Record<string, unknown> = { ...doc, lifecycle: step.to };
  if (successorId !== undefined) next.successor_service_id = successorId;
  if (step.successor_url !== undefined) next.successor_url = step.successor_url;
  if (step.deprecation_link !== undefined) next.deprecation_link = step.deprecation_link;
  if (step.sunset_at !== undefined) next.sunset_at = step.sunset_at;
  if (step.to === "deprecated" && next.deprecated_at === undefined) next.deprecated_at = now.toISOString();
  if (step.to === "published" || step.to === "draft") {
    delete next.deprecated_at;
    delete next.sunset_at;
  }
  return next;
}

async function applyStep(store: Store, caller: Caller, ref: string, step: Step, now = new Date()): Promise<Result> {
  return store.transaction(async (tx, q) => {
    const service = await visibleService(tx, caller, ref);
    const team = service.team_id ?? null;
    if (!hasRole(caller.principal, team, SERVICE_MANAGERS)) throw new WaygateError("forbidden", `to change a service's lifecycle you need one of ${SERVICE_MANAGERS.join(", ")} in its team`);
    checkTransition(lifecycleOf(service), step.to);
    let successorId: string | undefined;
    if (step.successor_service_id !== undefined) {
      const successor = await visibleService(tx, caller, step.successor_service_id).catch(() => {
        throw new WaygateError("reference_not_found", `successor_service_id: services '${step.successor_service_id}' not found`, { details: [{ path: "successor_service_id", message: "not found" }] });
      });
      if (successor.id === service.id) throw invalid("successor_service_id", "a service cannot succeed itself");
      successorId = successor.id;
    }
    const after = await tx.update("services", service.id, stepped(service, step, successorId, now) as unknown as EntityData<"services">);
    const body = view(after);
    await recordAudit(q, auditOf(caller, { action: `lifecycle_${step.to}`, kind: "services", entityId: service.id, before: view(service), after: body, teams: team !== null ? [team] : [] }));
    return { status: 200, body };
  });
}

export async function lifecycleRoute(call: AdminCall): Promise<Result> {
  const caller = call.caller;
  if (!caller) throw new WaygateError("admin_unauthorized", "lifecycle changes need an authenticated caller");
  const [ref, ...more] = call.rest;
  if (ref === undefined || more.length > 0) throw new WaygateError("not_found", `no admin endpoint at ${call.url.pathname}; use /admin/lifecycle/{service}`);
  if (call.req.method === "GET" || call.req.method === "HEAD") {
    const service = await visibleService(call.store, caller, ref);
    const release = await call.store.db.read((q) => publishedRelease(q, service.id), false);
    return { status: 200, body: { ...view(service), release: release ? summary(release) : null } };
  }
  if (call.req.method !== "POST") throw new WaygateError("method_not_allowed", "method not allowed; use GET, POST");
  return applyStep(call.store, caller, ref, readStep(await readJson(call.req)));
}
