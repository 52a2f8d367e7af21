/**
 * /admin/memberships: which user holds which role in which team. System
 * admins manage every team's; a team_admin manages their own team's. Any
 * member reads the memberships of their teams, nothing of other teams.
 */
import { WaygateError } from "../../core/errors.ts";
import type { Result } from "../../control/resources.ts";
import { inScope } from "../../control/scope.ts";
import type { Store } from "../../store/store.ts";
import { MEMBERSHIP_MANAGERS } from "../access.ts";
import { recordAudit } from "../audit.ts";
import { auditOf, type Caller } from "../caller.ts";
import { canSee, hasRole, readScope } from "../principal.ts";
import { deleteMembership, getMembership, insertMembership, listMemberships } from "../records/memberships.ts";
import { findUser } from "../records/users.ts";
import { isTeamRole } from "../roles.ts";
import { invalidField, notFound, onlyFields, readObject, readPaging } from "./common.ts";

function requireManager(caller: Caller, teamId: string): void {
  if (!hasRole(caller.principal, teamId, MEMBERSHIP_MANAGERS)) throw new WaygateError("forbidden", "managing a team's members needs team_admin in that team");
}

export async function listMembershipsFor(store: Store, caller: Caller, params: URLSearchParams): Promise<Result> {
  const paging = readPaging(params, ["team_id", "user_id"]);
  const scope = readScope(caller.principal);
  const teamRef = params.get("team_id");
  const team = teamRef === null ? null : ((await store.get("teams", teamRef)) ?? (await store.getByName("teams", teamRef)));
  const userRef = params.get("user_id");
  const user = userRef === null ? null : await store.db.read((q) => findUser(q, userRef), false);
  const page = await store.db.read(
    (q) =>
      listMemberships(
        q,
        {
          // An unknown team or user matches nothing rather than everything.
          ...(teamRef !== null ? { teamId: team?.id ?? teamRef } : {}),
          ...(userRef !== null ? { userId: user?.id ?? userRef } : {}),
          ...(scope.kind === "teams" ? { teams: scope.teams } : {}),
        },
        paging.limit,
        paging.cursor,
      ),
    true,
  );
  return { status: 200, body: page };
}

export async function createMembershipFor(store: Store, caller: Caller, body: unknown): Promise<Result> {
  const doc = readObject(body);
  onlyFields(doc, ["user_id", "team_id", "role"]);
  if (typeof doc.user_id !== "string" || doc.user_id.length === 0) throw invalidField("user_id", "must be a user id or username");
  if (typeof doc.team_id !== "string" || doc.team_id.length === 0) throw invalidField("team_id", "must be a team id or name");
  if (!isTeamRole(doc.role)) throw invalidField("role", "must be one of team_admin, service_admin, developer, consumer_manager");
  const role = doc.role;
  const teamRef = doc.team_id;
  const userRef = doc.user_id;
  return store.transaction(async (tx, q) => {
    const team = (await tx.get("teams", teamRef)) ?? (await tx.getByName("teams", teamRef));
    if (!team || !canSee(caller.principal, team.id)) {
      throw new WaygateError("reference_not_found", `team_id: teams '${teamRef}' not found`, { details: [{ path: "team_id", message: "not found" }] });
    }
    requireManager(caller, team.id);
    const user = await findUser(q, userRef);
    if (!user) throw new WaygateError("reference_not_found", `user_id: users '${userRef}' not found`, { details: [{ path: "user_id", message: "not found" }] });
    const membership = await insertMembership(q, user.id, team.id, role);
    await recordAudit(q, auditOf(caller, { action: "create", kind: "memberships", entityId: membership.id, after: membership, teams: [team.id] }));
    return { status: 201, body: membership };
  });
}

export async function getMembershipFor(store: Store, caller: Caller, id: string): Promise<Result> {
  const membership = await store.db.read((q) => getMembership(q, id), false);
  if (!membership || !inScope(readScope(caller.principal), membership.team_id)) throw notFound("memberships", id);
  return { status: 200, body: membership };
}

export async function deleteMembershipFor(store: Store, caller: Caller, id: string): Promise<Result> {
  return store.transaction(async (_tx, q) => {
    const membership = await getMembership(q, id);
    if (!membership || !canSee(caller.principal, membership.team_id)) throw notFound("memberships", id);
    requireManager(caller, membership.team_id);
    await deleteMembership(q, id);
    await recordAudit(q, auditOf(caller, { action: "delete", kind: "memberships", entityId: id, before: membership, teams: [membership.team_id] }));
    return { status: 200, body: { id, deleted: true } };
  });
}
