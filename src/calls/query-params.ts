/**
 * The call search of the admin API's query string:
 *
 *   from, to          ISO 8601 time or epoch milliseconds (`to` exclusive)
 *   team, service, route, application, error_code, provider, model, request_id
 *   status            a class (2xx … 5xx) or an exact code (404)
 *   min_latency_ms    total time at least this
 *   q                 text searched (case-insensitively) in the path and the error code
 *   limit             page size, 1..1000 (default 100)
 *   cursor            the `next` of the previous page
 */
import { type FieldIssue, WaygateError } from "../core/errors.ts";
import type { CallCursor, CallFilter, CallQuery, StatusClass } from "./call-log-store.ts";

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const KNOWN = new Set([
  "from", "to", "team", "service", "route", "application", "status", "error_code", "provider", "model",
  "min_latency_ms", "request_id", "q", "limit", "cursor", "format",
]);

export function encodeCursor(c: CallCursor): string {
  return Buffer.from(JSON.stringify([c.ts, c.request_id])).toString("base64url");
}

function decodeCursor(text: string): CallCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === "string") return { ts: v[0] as number, request_id: v[1] };
  } catch {
    // Reported as an invalid cursor below.
  }
  return undefined;
}

function parseTime(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  // Only full ISO 8601 dates or times; Date.parse alone accepts too much.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Filters, page size and cursor from a query string; bad values are a validation_failed error naming each one. */
export function parseCallQuery(params: URLSearchParams): CallQuery {
  const issues: FieldIssue[] = [];
  const filter: CallFilter = {};
  for (const key of params.keys()) if (!KNOWN.has(key)) issues.push({ path: key, message: "unknown parameter" });
  const text = (key: string): string | undefined => {
    const v = params.get(key);
    if (v === null || v === "") return undefined;
    if (v.length > 512) {
      issues.push({ path: key, message: "at most 512 characters" });
      return undefined;
    }
    return v;
  };
  for (const key of ["from", "to"] as const) {
    const v = text(key);
    if (v === undefined) continue;
    const ms = parseTime(v);
    if (ms === undefined) issues.push({ path: key, message: "expected an ISO 8601 time or epoch milliseconds" });
    else filter[key] = ms;
  }
  const ids = { team: "team_id", service: "service_id", route: "route_id", application: "application_id" } as const;
  for (const [key, field] of Object.entries(ids) as Array<[keyof typeof ids, (typeof ids)[keyof typeof ids]]>) {
    const v = text(key);
    if (v !== undefined) filter[field] = v;
  }
  for (const key of ["error_code", "provider", "model", "request_id"] as const) {
    const v = text(key);
    if (v !== undefined) filter[key] = v;
  }
  const q = text("q");
  if (q !== undefined) filter.text = q;
  const status = text("status");
  if (status !== undefined) {
    const cls = /^([1-5])xx$/i.exec(status);
    if (cls) filter.status_class = Number(cls[1]) as StatusClass;
    else if (/^[1-5]\d\d$/.test(status)) filter.status = Number(status);
    else issues.push({ path: "status", message: "expected a class like 5xx or a code like 404" });
  }
  const latency = text("min_latency_ms");
  if (latency !== undefined) {
    const n = Number(latency);
    if (!Number.isFinite(n) || n < 0) issues.push({ path: "min_latency_ms", message: "expected a number of milliseconds ≥ 0" });
    else filter.min_latency_ms = n;
  }
  let limit = DEFAULT_LIMIT;
  const limitText = text("limit");
  if (limitText !== undefined) {
    const n = Number(limitText);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) issues.push({ path: "limit", message: `expected an integer from 1 to ${MAX_LIMIT}` });
    else limit = n;
  }
  let after: CallCursor | undefined;
  const cursor = text("cursor");
  if (cursor !== undefined) {
    after = decodeCursor(cursor);
    if (!after) issues.push({ path: "cursor", message: "not a cursor from this API" });
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) issues.push({ path: "to", message: "must be after from" });
  if (issues.length > 0) throw new WaygateError("validation_failed", "invalid call search", { details: issues });
  return { ...filter, limit, ...(after ? { after } : {}) };
}
