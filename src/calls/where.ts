/**
 * A call search as a SQL WHERE clause with `?` placeholders, shared by the
 * SQLite and PostgreSQL stores. The caller's team scope is always part of
 * it, so no query can reach another team's calls.
 */
import type { TeamScope } from "../control/scope.ts";
import type { CallCursor, CallFilter } from "./call-log-store.ts";

export interface Clause {
  sql: string;
  params: Array<string | number>;
}

/**
 * Calls at least this slow are also kept in a small partial index ordered by
 * time, so a minimum-latency search over a whole month walks only the slow
 * calls instead of every call (faster ones are never in it, so they cost
 * nothing to write).
 */
export const SLOW_CALL_MS = 1000;
export const SLOW_CALL_TERM = `total_ms >= ${SLOW_CALL_MS}`;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Null when the scope admits nothing (a team-scoped caller with no teams,
 * or a team filter outside the scope).
 */
export function whereClause(filter: CallFilter, scope: TeamScope, after: CallCursor | undefined, like: "LIKE" | "ILIKE"): Clause | null {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  const eq = (column: string, value: string | number | undefined) => {
    if (value === undefined) return;
    parts.push(`${column} = ?`);
    params.push(value);
  };
  if (scope.kind === "teams") {
    if (filter.team_id !== undefined) {
      if (!scope.teams.has(filter.team_id)) return null;
    } else {
      if (scope.teams.size === 0) return null;
      const teams = [...scope.teams];
      parts.push(`team_id IN (${teams.map(() => "?").join(", ")})`);
      params.push(...teams);
    }
  }
  if (filter.from !== undefined) {
    parts.push("ts >= ?");
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    parts.push("ts < ?");
    params.push(filter.to);
  }
  eq("team_id", filter.team_id);
  eq("service_id", filter.service_id);
  eq("route_id", filter.route_id);
  eq("application_id", filter.application_id);
  eq("status", filter.status);
  if (filter.status_class !== undefined) {
    // Not an index range on purpose: error classes are a few percent of calls, found sooner walking the
    // newest calls than by sorting every 5xx of the whole log by time.
    parts.push("status / 100 = ?");
    params.push(filter.status_class);
  }
  eq("error_code", filter.error_code);
  eq("ai_provider", filter.provider);
  eq("ai_model", filter.model);
  eq("request_id", filter.request_id);
  if (filter.min_latency_ms !== undefined) {
    // The literal term lets the planner prove the slow-call partial index covers the search.
    if (filter.min_latency_ms >= SLOW_CALL_MS) parts.push(SLOW_CALL_TERM);
    parts.push("total_ms >= ?");
    params.push(filter.min_latency_ms);
  }
  if (filter.text !== undefined && filter.text !== "") {
    const pattern = likePattern(filter.text);
    parts.push(`(path ${like} ? ESCAPE '\\' OR error_code ${like} ? ESCAPE '\\')`);
    params.push(pattern, pattern);
  }
  if (after) {
    parts.push("(ts < ? OR (ts = ? AND request_id < ?))");
    params.push(after.ts, after.ts, after.request_id);
  }
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", params };
}

/** A page of `limit` rows is fetched as limit + 1 to learn whether another page follows. */
export const ORDER = "ORDER BY ts DESC, request_id DESC";

/**
 * The retention rule as a clause over expired rows: each team with its own
 * retention against its own cutoff, every other call against the default.
 */
export function expiredClause(defaultCutoff: number, teams: ReadonlyArray<[string, number]>): Clause {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  for (const [team, cutoff] of teams) {
    parts.push("(team_id = ? AND ts < ?)");
    params.push(team, cutoff);
  }
  if (teams.length === 0) {
    parts.push("ts < ?");
    params.push(defaultCutoff);
  } else {
    parts.push(`(ts < ? AND (team_id IS NULL OR team_id NOT IN (${teams.map(() => "?").join(", ")})))`);
    params.push(defaultCutoff, ...teams.map(([t]) => t));
  }
  return { sql: parts.join(" OR "), params };
}
