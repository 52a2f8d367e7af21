/**
 * The release workflow. Each action runs in one store transaction with its
 * audit entry: it checks who may act (404 for a release of a team the
 * caller cannot see, 403 for one they see but may not act on), applies the
 * status rules below, and — when what the gateway serves changes — touches
 * the service entity, so the revision moves and every gateway recompiles.
 *
 *   created  ─publish─► published              (team release_approval: auto)
 *   created  ─publish─► pending ─approve─► published
 *                               └reject──► rejected   (manual)
 *   published ─(another is published)─► superseded
 *   superseded ─rollback─► a new release with its content, published
 */
import type { Service } from "../config/entities.ts";
import type { ServiceContent } from "../config/service-content.ts";
import { WaygateError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import { findByIdOrName } from "../control/lookup.ts";
import type { Result } from "../control/resources.ts";
import { RELEASE_APPROVERS, RELEASE_AUTHORS } from "../identity/access.ts";
import { recordAudit } from "../identity/audit.ts";
import { auditOf, type Caller } from "../identity/caller.ts";
import { canSee, hasRole } from "../identity/principal.ts";
import type { TeamRole } from "../identity/roles.ts";
import type { Queryer } from "../store/sql/driver.ts";
import type { Store, StoreOps } from "../store/store.ts";
import { readServiceContent } from "../store/service-content.ts";
import { findRelease, insertRelease, publishedRelease, type Release, type ReleaseStatus, serviceReleases, setStatus, type StatusChange, summary } from "./records.ts";

const MAX_NOTES = 20_000;
const MAX_REASON = 2000;
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export interface CreateReleaseInput {
  service: string;
  version: string | undefined;
  notes: string;
}

function forbidden(message: string): WaygateError {
  return new WaygateError("forbidden", message);
}

function invalid(path: string, message: string): WaygateError {
  return new WaygateError("validation_failed", `invalid ${path}`, { details: [{ path, message }] });
}

function requireRole(caller: Caller, team: string | null, roles: readonly TeamRole[], what: string): void {
  if (!hasRole(caller.principal, team, roles)) throw forbidden(`to ${what} you need one of ${roles.join(", ")} in the service's team`);
}

function userOf(caller: Caller): string {
  return caller.principal.user.username;
}

async function audit(q: Queryer, caller: Caller, action: string, release: Release, before?: unknown): Promise<void> {
  await recordAudit(
    q,
    auditOf(caller, {
      action,
      kind: "releases",
      entityId: release.id,
      ...(before !== undefined ? { before } : {}),
      after: summary(release),
      teams: release.team_id !== null ? [release.team_id] : [],
    }),
  );
}

/** A release the caller may see, else 404 as if there were none. */
export async function visibleRelease(q: Queryer, caller: Caller, id: string): Promise<Release> {
  const release = await findRelease(q, id);
  if (!release || !canSee(caller.principal, release.team_id)) throw new WaygateError("not_found", `releases '${id}' not found`);
  return release;
}

/** A service the caller may see, by id or name, else 404. */
export async function visibleService(ops: StoreOps, caller: Caller, ref: string): Promise<Service> {
  const service = await findByIdOrName(ops, "services", ref);
  if (!service || !canSee(caller.principal, service.team_id ?? null)) throw new WaygateError("not_found", `services '${ref}' not found`);
  return service;
}

/** Rewrites the service unchanged: its updated_at and the store revision move, so gateways recompile. */
async function touchService(tx: StoreOps, serviceId: string): Promise<void> {
  const service = await tx.get("services", serviceId);
  if (!service) return;
  const { id, created_at: _c, updated_at: _u, ...doc } = service;
  await tx.update("services", id, doc);
}

async function approvalMode(tx: StoreOps, teamId: string | null): Promise<"auto" | "manual"> {
  if (teamId === null) return "auto";
  const team = await tx.get("teams", teamId);
  return team?.release_approval ?? "auto";
}

/** Makes `release` the one served: the one published before is superseded. */
async function makeLive(tx: StoreOps, q: Queryer, release: Release, now: string, extra: Omit<StatusChange, "status" | "published_at"> = {}): Promise<Release> {
  // The service's row first: concurrent publishes of one service queue on its lock and then see each other's result.
  await touchService(tx, release.service_id);
  const current = await publishedRelease(q, release.service_id);
  if (current && current.id !== release.id) await setStatus(q, current.id, { status: "superseded" });
  await setStatus(q, release.id, { status: "published", published_at: now, ...extra });
  return (await findRelease(q, release.id)) as Release;
}

function expectStatus(release: Release, allowed: readonly ReleaseStatus[], action: string): void {
  if (!allowed.includes(release.status)) {
    throw new WaygateError("invalid_transition", `cannot ${action} a release that is ${release.status}; allowed from: ${allowed.join(", ")}`);
  }
}

export function readCreateInput(body: Record<string, unknown>): CreateReleaseInput & { publish: boolean } {
  const allowed = new Set(["service_id", "version", "notes", "publish"]);
  for (const key of Object.keys(body)) if (!allowed.has(key)) throw invalid(key, "unknown field; allowed: service_id, version, notes, publish");
  const { service_id, version, notes, publish } = body;
  if (typeof service_id !== "string" || service_id.length === 0) throw invalid("service_id", "the id or name of the service to release is required");
  if (version !== undefined && (typeof version !== "string" || !VERSION_PATTERN.test(version))) {
    throw invalid("version", "1-64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit (e.g. 1.2.0)");
  }
  if (notes !== undefined && (typeof notes !== "string" || notes.length > MAX_NOTES)) throw invalid("notes", `a string of at most ${MAX_NOTES} characters`);
  if (publish !== undefined && typeof publish !== "boolean") throw invalid("publish", "a boolean");
  return { service: service_id, version: version as string | undefined, notes: (notes as string | undefined) ?? "", publish: publish === true };
}

export function readReason(body: Record<string, unknown>, required: boolean): string | undefined {
  const reason = body.reason;
  if (reason === undefined || reason === null) {
    if (required) throw invalid("reason", "a rejection needs a reason");
    return undefined;
  }
  if (typeof reason !== "string" || reason.trim().length === 0 || reason.length > MAX_REASON) {
    throw invalid("reason", `a non-empty string of at most ${MAX_REASON} characters`);
  }
  return reason;
}

/** Freezes the service as it is now into a new release (status created), and with `publish` asks for it to go live. */
export function createRelease(store: Store, caller: Caller, input: CreateReleaseInput & { publish: boolean }, now = new Date()): Promise<Result> {
  return store.transaction(async (tx, q) => {
    const service = await visibleService(tx, caller, input.service);
    const team = service.team_id ?? null;
    requireRole(caller, team, RELEASE_AUTHORS, "create a release");
    const version = input.version ?? service.version;
    if (version === undefined) throw invalid("version", "required when the service has no version of its own");
    const taken = (await serviceReleases(q, service.id)).some((r) => r.version === version && r.status !== "rejected" && r.rollback_of === null);
    if (taken) throw new WaygateError("conflict", `service '${service.name}' already has a release ${version}`);
    const content = await readServiceContent(tx, service.id);
    const frozen: ServiceContent = { ...content, service: { ...content.service, version } };
    const previous = await publishedRelease(q, service.id);
    const release: Release = {
      id: newId(),
      service_id: service.id,
      team_id: team,
      version,
      notes: input.notes,
      status: "created",
      previous_id: previous?.id ?? null,
      rollback_of: null,
      content: frozen,
      created_by: userOf(caller),
      created_at: now.toISOString(),
      requested_by: null,
      published_at: null,
      decided_by: null,
      decided_at: null,
      reason: null,
    };
    await insertRelease(q, release);
    await audit(q, caller, "create", release);
    if (!input.publish) return { status: 201, body: release };
    return { status: 201, body: await requestPublish(tx, q, caller, release, now) };
  });
}

async function requestPublish(tx: StoreOps, q: Queryer, caller: Caller, release: Release, now: Date): Promise<Release> {
  expectStatus(release, ["created"], "publish");
  const at = now.toISOString();
  if ((await approvalMode(tx, release.team_id)) === "manual") {
    await setStatus(q, release.id, { status: "pending", requested_by: userOf(caller) });
    const pending = (await findRelease(q, release.id)) as Release;
    await audit(q, caller, "request_publish", pending, summary(release));
    return pending;
  }
  requireRole(caller, release.team_id, RELEASE_APPROVERS, "publish a release");
  const live = await makeLive(tx, q, release, at, { requested_by: userOf(caller) });
  await audit(q, caller, "publish", live, summary(release));
  return live;
}

/** Publishes at once where the team approves releases automatically; otherwise the release waits as pending. */
export function publishRelease(store: Store, caller: Caller, id: string, now = new Date()): Promise<Result> {
  return store.transaction(async (tx, q) => {
    const release = await visibleRelease(q, caller, id);
    requireRole(caller, release.team_id, RELEASE_AUTHORS, "request a release's publication");
    return { status: 200, body: await requestPublish(tx, q, caller, release, now) };
  });
}

/** approve: pending → published; reject: pending → rejected, with a reason. The requester cannot decide on their own request. */
export function decideRelease(store: Store, caller: Caller, id: string, decision: "approve" | "reject", body: Record<string, unknown>, now = new Date()): Promise<Result> {
  const reason = readReason(body, decision === "reject");
  return store.transaction(async (tx, q) => {
    const release = await visibleRelease(q, caller, id);
    requireRole(caller, release.team_id, RELEASE_APPROVERS, `${decision} a release`);
    expectStatus(release, ["pending"], decision);
    if (release.requested_by === userOf(caller)) throw forbidden(`a publish request is decided by someone other than its requester (${release.requested_by})`);
    const at = now.toISOString();
    const decided = { decided_by: userOf(caller), decided_at: at, reason: reason ?? null };
    if (decision === "approve") await makeLive(tx, q, release, at, decided);
    else await setStatus(q, release.id, { status: "rejected", ...decided });
    const after = (await findRelease(q, release.id)) as Release;
    await audit(q, caller, decision, after, summary(release));
    return { status: 200, body: after };
  });
}

/**
 * Serves an earlier release's content again, as a new release (so history
 * only ever grows): it repeats the earlier one's version and content, names
 * it in `rollback_of`, and is published at once — that content was
 * published before, so it needs no new approval.
 */
export function rollbackTo(store: Store, caller: Caller, id: string, body: Record<string, unknown>, now = new Date()): Promise<Result> {
  const notes = body.notes;
  if (notes !== undefined && (typeof notes !== "string" || notes.length > MAX_NOTES)) throw invalid("notes", `a string of at most ${MAX_NOTES} characters`);
  return store.transaction(async (tx, q) => {
    const target = await visibleRelease(q, caller, id);
    requireRole(caller, target.team_id, RELEASE_APPROVERS, "roll back a service");
    expectStatus(target, ["superseded"], "roll back to");
    const service = await tx.get("services", target.service_id);
    if (!service) throw new WaygateError("not_found", `services '${target.service_id}' not found`);
    const current = await publishedRelease(q, target.service_id);
    const at = now.toISOString();
    const release: Release = {
      ...target,
      id: newId(),
      notes: (notes as string | undefined) ?? `Rollback to ${target.version} (${target.id})`,
      status: "created",
      previous_id: current?.id ?? null,
      rollback_of: target.id,
      created_by: userOf(caller),
      created_at: at,
      requested_by: userOf(caller),
      published_at: null,
      decided_by: null,
      decided_at: null,
      reason: null,
    };
    await insertRelease(q, release);
    const live = await makeLive(tx, q, release, at);
    await audit(q, caller, "rollback", live, current ? summary(current) : undefined);
    return { status: 201, body: live };
  });
}
