/** Team memberships (user × team × role), migration 5. */
import { WaygateError } from "../../core/errors.ts";
import { newId } from "../../core/ids.ts";
import type { Queryer, SqlRow } from "../../store/sql/driver.ts";
import type { TeamRole } from "../roles.ts";
import { page, type RecordPage, text } from "./page.ts";

export interface Membership {
  id: string;
  user_id: string;
  username: string;
  team_id: string;
  role: TeamRole;
  created_at: string;
}

function toMembership(row: SqlRow): Membership {
  return {
    id: text(row.id),
    user_id: text(row.user_id),
    username: text(row.username),
    team_id: text(row.team_id),
    role: text(row.role) as TeamRole,
    created_at: text(row.created_at),
  };
}

const MEMBERSHIP_FROM = "team_memberships x JOIN users u ON u.id = x.user_id";
const MEMBERSHIP_COLUMNS = "x.id, x.user_id, u.username, x.team_id, x.role, x.created_at";

export interface MembershipFilter {
  userId?: string;
  teamId?: string;
  /** Only memberships of these teams (a caller's scope); undefined: every team. */
  teams?: ReadonlySet<string>;
}

function membershipConditions(filter: MembershipFilter): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.userId !== undefined) {
    conditions.push("x.user_id = ?");
    params.push(filter.userId);
  }
  if (filter.teamId !== undefined) {
    conditions.push("x.team_id = ?");
    params.push(filter.teamId);
  }
  if (filter.teams !== undefined) {
    if (filter.teams.size === 0) conditions.push("1 = 0");
    else {
      conditions.push(`x.team_id IN (${[...filter.teams].map(() => "?").join(", ")})`);
      params.push(...filter.teams);
    }
  }
  return { conditions, params };
}

export function listMemberships(q: Queryer, filter: MembershipFilter, limit: number, cursor?: string): Promise<RecordPage<Membership>> {
  const { conditions, params } = membershipConditions(filter);
  return page(q, MEMBERSHIP_FROM, MEMBERSHIP_COLUMNS, conditions, params, limit, cursor, toMembership);
}

/** Every team role of one user, by team. */
export async function rolesByTeam(q: Queryer, userId: string): Promise<Map<string, Set<TeamRole>>> {
  const rows = await q.all(`SELECT team_id, role FROM team_memberships WHERE user_id = ?`, [userId]);
  const out = new Map<string, Set<TeamRole>>();
  for (const row of rows) {
    const team = text(row.team_id);
    const roles = out.get(team) ?? new Set<TeamRole>();
    roles.add(text(row.role) as TeamRole);
    out.set(team, roles);
  }
  return out;
}

export async function getMembership(q: Queryer, id: string): Promise<Membership | null> {
  const [row] = await q.all(`SELECT ${MEMBERSHIP_COLUMNS} FROM ${MEMBERSHIP_FROM} WHERE x.id = ?`, [id]);
  return row ? toMembership(row) : null;
}

export async function insertMembership(q: Queryer, userId: string, teamId: string, role: TeamRole, now = new Date()): Promise<Membership> {
  const [taken] = await q.all(`SELECT 1 AS x FROM team_memberships WHERE user_id = ? AND team_id = ? AND role = ?`, [userId, teamId, role]);
  if (taken) throw new WaygateError("conflict", `the user already has role ${role} in this team`, { details: [{ path: "role", message: "already granted" }] });
  const id = newId();
  await q.run(`INSERT INTO team_memberships (id, user_id, team_id, role, created_at) VALUES (?, ?, ?, ?, ?)`, [id, userId, teamId, role, now.toISOString()]);
  return (await getMembership(q, id)) as Membership;
}

export async function deleteMembership(q: Queryer, id: string): Promise<void> {
  await q.run(`DELETE FROM team_memberships WHERE id = ?`, [id]);
}
