/**
 * Entity CRUD, subscription actions and key rotation for one caller: the
 * same operations as src/control/resources.ts, run inside a transaction
 * that first checks what the caller may see and do, then checks where the
 * change landed (team, references), and writes the audit entry — so a
 * refused change rolls back, and an accepted one commits with its entry.
 *
 * Another team's entity answers 404 exactly like a missing one, so its
 * existence does not leak; a visible entity the caller may not change
 * answers 403.
 */
import type { EntityMap, Kind } from "../config/entities.ts";
import { KIND_DESCRIPTORS } from "../config/kinds.ts";
import { WaygateError } from "../core/errors.ts";
import { readRotateBody, rotateCredential } from "../control/credential-rotation.ts";
import { findByIdOrName } from "../control/lookup.ts";
import {
  createEntity,
  deleteEntity,
  getEntity,
  listEntities,
  patchEntity,
  publicView,
  replaceEntity,
  type Result,
  type WriteContext,
} from "../control/resources.ts";
import { applySubscriptionAction, type SubscriptionAction } from "../control/subscription-actions.ts";
import { checkTransition, lifecycleOf } from "../lifecycle/states.ts";
import type { Store, StoreOps } from "../store/store.ts";
import { subscriptionActionRoles, teamReadable, writeRoles, type WriteOp, ROTATE_ROLES } from "./access.ts";
import { recordAudit } from "./audit.ts";
import { auditOf, type Caller } from "./caller.ts";
import { type Owners, ownersOf, ownerTeams } from "./ownership.ts";
import { canSee, hasRole, isAdmin, readScope } from "./principal.ts";

type Doc = Record<string, unknown>;

function notFound(kind: Kind, ref: string): WaygateError {
  return new WaygateError("not_found", `${kind} '${ref}' not found`);
}

function forbidden(message: string): WaygateError {
  return new WaygateError("forbidden", message);
}

function visible(caller: Caller, owners: Owners): boolean {
  return canSee(caller.principal, owners.team) || (owners.serviceTeam !== undefined && canSee(caller.principal, owners.serviceTeam));
}

/** The entity behind `ref` if the caller may see it; otherwise 404, as if there were none. */
async function findVisible<K extends Kind>(tx: StoreOps, caller: Caller, kind: K, ref: string): Promise<{ entity: EntityMap[K]; owners: Owners }> {
  const entity = await findByIdOrName(tx, kind, ref);
  if (!entity) throw notFound(kind, ref);
  const owners = await ownersOf(tx, kind, entity as unknown as Doc);
  if (!visible(caller, owners)) throw notFound(kind, ref);
  return { entity, owners };
}

function requireWrite(caller: Caller, kind: Kind, op: WriteOp, entity: Doc, owners: Owners): void {
  const roles = writeRoles(kind, op, entity);
  if (hasRole(caller.principal, owners.team, roles)) return;
  const who = roles.length === 0 ? "a system admin" : `one of the team roles ${roles.join(", ")}`;
  const where = owners.team === null ? "configuration without a team" : `${kind} of this team`;
  throw forbidden(`to ${op} ${where} you need ${who}`);
}

/**
 * Every reference of a written entity must point at something the caller
 * can see — except a subscription's service, which is how a team subscribes
 * to another team's API. An invisible target reads as a missing one.
 */
async function checkReferences(tx: StoreOps, caller: Caller, kind: Kind, entity: Doc): Promise<void> {
  if (isAdmin(caller.principal)) return;
  for (const [field, target] of Object.entries(KIND_DESCRIPTORS[kind].refs)) {
    if (kind === "subscriptions" && field === "service_id") continue;
    const value = entity[field];
    if (typeof value !== "string") continue;
    const found = await tx.get(target, value);
    const owners = found ? await ownersOf(tx, target, found as unknown as Doc) : { team: null };
    if (!found || !visible(caller, owners)) {
      throw new WaygateError("reference_not_found", `${field}: ${target} '${value}' not found`, { details: [{ path: field, message: "not found" }] });
    }
  }
}

function idOf(body: unknown): string {
  return String((body as Doc).id);
}

export async function listFor(store: Store, caller: Caller, kind: Kind, params: URLSearchParams): Promise<Result> {
  if (!isAdmin(caller.principal) && !teamReadable(kind)) throw forbidden(`${kind} are system-level configuration; listing them needs a system admin`);
  return listEntities(store, kind, params, readScope(caller.principal));
}

export async function getFor(store: Store, caller: Caller, kind: Kind, ref: string): Promise<Result> {
  if (isAdmin(caller.principal)) return getEntity(store, kind, ref);
  const { entity } = await findVisible(store, caller, kind, ref);
  return { status: 200, body: publicView(kind, entity) };
}

export async function createFor(store: Store, caller: Caller, kind: Kind, body: unknown, ctx: WriteContext): Promise<Result> {
  return store.transaction(async (tx, q) => {
    const result = await createEntity(store, kind, body, ctx);
    const created = (await tx.get(kind, idOf(result.body))) as unknown as Doc;
    await checkReferences(tx, caller, kind, created);
    const owners = await ownersOf(tx, kind, created);
    requireWrite(caller, kind, "create", created, owners);
    await recordAudit(q, auditOf(caller, { action: "create", kind, entityId: idOf(result.body), after: result.body, teams: ownerTeams(owners) }));
    return result;
  });
}

export async function changeFor(
  store: Store,
  caller: Caller,
  kind: Kind,
  ref: string,
  body: unknown,
  ctx: WriteContext,
  mode: "update" | "patch",
): Promise<Result> {
  return store.transaction(async (tx, q) => {
    const before = await findVisible(tx, caller, kind, ref);
    requireWrite(caller, kind, "update", before.entity as unknown as Doc, before.owners);
    const result = mode === "update" ? await replaceEntity(store, kind, ref, body, ctx) : await patchEntity(store, kind, ref, body, ctx);
    const after = (await tx.get(kind, before.entity.id)) as unknown as Doc;
    // PUT and PATCH may carry the lifecycle along, but only by a step /admin/lifecycle would also allow.
    if (kind === "services") checkTransition(lifecycleOf(before.entity as EntityMap["services"]), lifecycleOf(after as unknown as EntityMap["services"]));
    await checkReferences(tx, caller, kind, after);
    const owners = await ownersOf(tx, kind, after);
    if (!isAdmin(caller.principal) && (owners.team !== before.owners.team || owners.serviceTeam !== before.owners.serviceTeam)) {
      throw forbidden(`moving ${kind} to another team needs a system admin`);
    }
    requireWrite(caller, kind, "update", after, owners);
    await recordAudit(
      q,
      auditOf(caller, {
        action: mode,
        kind,
        entityId: before.entity.id,
        before: publicView(kind, before.entity),
        after: result.body,
        teams: [...new Set([...ownerTeams(before.owners), ...ownerTeams(owners)])],
      }),
    );
    return result;
  });
}

export async function deleteFor(store: Store, caller: Caller, kind: Kind, ref: string): Promise<Result> {
  return store.transaction(async (tx, q) => {
    const before = await findVisible(tx, caller, kind, ref);
    requireWrite(caller, kind, "delete", before.entity as unknown as Doc, before.owners);
    const result = await deleteEntity(store, kind, before.entity.id);
    await recordAudit(
      q,
      auditOf(caller, { action: "delete", kind, entityId: before.entity.id, before: publicView(kind, before.entity), teams: ownerTeams(before.owners) }),
    );
    return result;
  });
}

export async function subscriptionActionFor(store: Store, caller: Caller, id: string, action: SubscriptionAction, body: Doc): Promise<Result> {
  return store.transaction(async (tx, q) => {
    const before = await findVisible(tx, caller, "subscriptions", id);
    const rule = subscriptionActionRoles(action);
    const team = rule.side === "application" ? before.owners.team : (before.owners.serviceTeam ?? null);
    if (!hasRole(caller.principal, team, rule.roles)) {
      const side = rule.side === "application" ? "the subscribing application's team" : "the service's team";
      throw forbidden(`to ${action} a subscription you need one of ${rule.roles.join(", ")} in ${side}`);
    }
    const result = await applySubscriptionAction(store, before.entity.id, action, body);
    await recordAudit(
      q,
      auditOf(caller, { action, kind: "subscriptions", entityId: before.entity.id, before: before.entity, after: result.body, teams: ownerTeams(before.owners) }),
    );
    return result;
  });
}

export async function rotateFor(store: Store, caller: Caller, id: string, body: Doc): Promise<Result> {
  return store.transaction(async (tx, q) => {
    const before = await findVisible(tx, caller, "credentials", id);
    if (!hasRole(caller.principal, before.owners.team, ROTATE_ROLES)) {
      throw forbidden(`rotating a key needs one of ${ROTATE_ROLES.join(", ")} in the application's team`);
    }
    const result = await rotateCredential(store, before.entity.id, readRotateBody(body));
    await recordAudit(
      q,
      auditOf(caller, {
        action: "rotate",
        kind: "credentials",
        entityId: before.entity.id,
        before: publicView("credentials", before.entity),
        after: result.body,
        teams: ownerTeams(before.owners),
      }),
    );
    return result;
  });
}
