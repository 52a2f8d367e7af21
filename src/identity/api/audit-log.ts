/**
 * GET /admin/audit-log: newest first, filtered by time, actor, kind,
 * entity, action and team, and limited to the caller's scope — every entry
 * for system admins, the entries of their teams for team admins.
 */
import { WaygateError } from "../../core/errors.ts";
import type { Result } from "../../control/resources.ts";
import type { Driver } from "../../store/sql/driver.ts";
import { AUDIT_READERS } from "../access.ts";
import { type AuditFilter, listAudit } from "../audit.ts";
import type { Caller } from "../caller.ts";
import { isAdmin, scopeWith } from "../principal.ts";
import { findUser } from "../records/users.ts";
import { invalidField, readPaging } from "./common.ts";

const FILTERS = ["from", "to", "actor", "kind", "entity_id", "action", "team_id"] as const;

function readTime(params: URLSearchParams, name: "from" | "to"): string | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const at = Date.parse(raw);
  if (!Number.isFinite(at)) throw invalidField(name, "must be an ISO 8601 time");
  return new Date(at).toISOString();
}

export async function auditLogFor(db: Driver, caller: Caller, params: URLSearchParams): Promise<Result> {
  const paging = readPaging(params, FILTERS);
  const scope = scopeWith(caller.principal, AUDIT_READERS);
  if (!isAdmin(caller.principal) && scope.kind === "teams" && scope.teams.size === 0) {
    throw new WaygateError("forbidden", "reading the audit log needs a system admin, or team_admin for a team's entries");
  }
  const filter: AuditFilter = {};
  const from = readTime(params, "from");
  const to = readTime(params, "to");
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  for (const [param, field] of [
    ["kind", "kind"],
    ["entity_id", "entityId"],
    ["action", "action"],
    ["team_id", "teamId"],
  ] as const) {
    const value = params.get(param);
    if (value !== null) filter[field] = value;
  }
  return db.read(async (q) => {
    const actor = params.get("actor");
    if (actor !== null) filter.actorId = (await findUser(q, actor))?.id ?? actor;
    return { status: 200, body: await listAudit(q, filter, scope, paging.limit, paging.cursor) };
  }, true);
}
