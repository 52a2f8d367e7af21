/**
 * GET /admin/budget-alerts: the alerts budget policies recorded, newest
 * first, filtered by `since` (ISO-8601 instant), `policy` (id or name) and
 * `subject` ("team:…", "app:…"), with cursor pagination (`limit`,
 * `cursor` from the previous page's `next`). A caller sees only the
 * alerts of the teams in its scope.
 */
import { WaygateError, errorResponse } from "../core/errors.ts";
import { listBudgetAlerts } from "../policies/budget/alert-table.ts";
import { DEFAULT_LIMIT, MAX_LIMIT, decodeCursor, encodeCursor } from "../store/cursor.ts";
import type { AdminCall } from "./extensions.ts";
import type { Result } from "./resources.ts";

const PARAMS = new Set(["since", "policy", "subject", "limit", "cursor"]);

export async function budgetAlertsRoute(call: AdminCall): Promise<Result | Response> {
  if (call.rest.length > 0) throw new WaygateError("not_found", `no such resource: ${call.url.pathname}`);
  if (call.req.method !== "GET") return errorResponse(new WaygateError("method_not_allowed", "method not allowed; use GET"), undefined, { allow: "GET" });
  const q = call.url.searchParams;
  for (const key of q.keys()) {
    if (!PARAMS.has(key)) throw new WaygateError("bad_request", `unknown query parameter '${key}'; allowed: ${[...PARAMS].join(", ")}`);
  }
  const since = q.get("since");
  const policy = q.get("policy");
  const subject = q.get("subject");
  const cursor = q.get("cursor");
  const page = await listBudgetAlerts(call.store.db, {
    ...(since !== null ? { since: parseSince(since) } : {}),
    ...(policy !== null ? { policy } : {}),
    ...(subject !== null ? { subject } : {}),
    ...(cursor ? { before: decodeCursor(cursor) } : {}),
    teams: call.scope.kind === "all" ? "all" : [...call.scope.teams],
    limit: parseLimit(q.get("limit")),
  });
  return { status: 200, body: { data: page.items, next: page.next !== undefined ? encodeCursor(page.next) : null } };
}

/** Any instant Date understands, normalised so it compares with the stored ISO text. */
function parseSince(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid("since", "must be an ISO-8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T00:00:00Z");
  return new Date(ms).toISOString();
}

function parseLimit(value: string | null): number {
  if (value === null) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw invalid("limit", `must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

function invalid(path: string, message: string): WaygateError {
  return new WaygateError("validation_failed", "invalid query parameter", { details: [{ path, message }] });
}
