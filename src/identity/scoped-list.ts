/**
 * Entity lists limited to a set of teams, with the same filters, cursors
 * and totals as Store.list: the team condition is part of the query, so a
 * page, its cursor and its total never count another team's rows.
 */
import type { EntityMap, Kind } from "../config/entities.ts";
import { decodeCursor, encodeCursor, pageLimit } from "../store/cursor.ts";
import { rowToEntity, selectList } from "../store/rows.ts";
import type { Driver } from "../store/sql/driver.ts";
import type { ListQuery, Page } from "../store/store.ts";
import { TABLES } from "../store/tables.ts";

interface Condition {
  sql: string;
  params: unknown[];
}

function inList(teams: readonly string[]): string {
  return teams.map(() => "?").join(", ");
}

/** The condition "owned by one of `teams`" for an entity table (see ownership.ts for the rules). */
export function teamCondition(kind: Kind, teams: readonly string[]): Condition {
  if (teams.length === 0 || kind === "model_overrides") return { sql: "1 = 0", params: [] };
  const list = inList(teams);
  const services = { sql: `SELECT id FROM services WHERE team_id IN (${list})`, params: teams };
  const applications = { sql: `SELECT id FROM applications WHERE team_id IN (${list})`, params: teams };
  switch (kind) {
    case "teams":
      return { sql: `id IN (${list})`, params: [...teams] };
    case "upstreams":
    case "services":
    case "applications":
    case "providers":
    case "virtual_models":
      return { sql: `team_id IN (${list})`, params: [...teams] };
    case "routes":
    case "prompt_apis":
      return { sql: `service_id IN (${services.sql})`, params: [...services.params] };
    case "credentials":
      return { sql: `application_id IN (${applications.sql})`, params: [...applications.params] };
    case "subscriptions":
      return {
        sql: `(application_id IN (${applications.sql}) OR service_id IN (${services.sql}))`,
        params: [...applications.params, ...services.params],
      };
    case "policies":
      // Each policy names exactly the target of its scope, so the target columns decide its team.
      return {
        sql: `(team_id IN (${list}) OR service_id IN (${services.sql}) OR route_id IN (SELECT id FROM routes WHERE service_id IN (${services.sql})) OR application_id IN (${applications.sql}))`,
        params: [...teams, ...services.params, ...services.params, ...applications.params],
      };
  }
}

export async function listInTeams<K extends Kind>(db: Driver, kind: K, query: ListQuery, teams: ReadonlySet<string>): Promise<Page<EntityMap[K]>> {
  const limit = pageLimit(query.limit);
  const scope = teamCondition(kind, [...teams]);
  const conditions = [scope.sql];
  const params = [...scope.params];
  const columns = new Set(["id", ...TABLES[kind].columns]);
  for (const [field, value] of Object.entries(query.where ?? {})) {
    // Filters are the kind's column fields (name and references); resources.ts checks the names.
    if (!columns.has(field)) throw new Error(`cannot filter ${kind} on ${field}`);
    conditions.push(`${field} = ?`);
    params.push(value);
  }
  const where = ` WHERE ${conditions.join(" AND ")}`;
  return db.read(async (q) => {
    const cursorParams = query.cursor !== undefined ? [decodeCursor(query.cursor)] : [];
    const rows = await q.all(
      `SELECT ${selectList(kind)} FROM ${kind}${where}${query.cursor !== undefined ? " AND seq > ?" : ""} ORDER BY seq LIMIT ${limit + 1}`,
      [...params, ...cursorParams],
    );
    const [count] = await q.all(`SELECT count(*) AS n FROM ${kind}${where}`, params);
    const page: Page<EntityMap[K]> = { items: rows.slice(0, limit).map((row) => rowToEntity(kind, row)), total: Number(count?.n ?? 0) };
    const last = rows[limit - 1];
    if (rows.length > limit && last) page.next = encodeCursor(Number(last.seq));
    return page;
  }, true);
}
