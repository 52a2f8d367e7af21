/** Small pieces the identity endpoints share: paging parameters, body fields, the system-admin check. */
import { WaygateError } from "../../core/errors.ts";
import type { Caller } from "../caller.ts";
import { isAdmin } from "../principal.ts";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface Paging {
  limit: number;
  cursor?: string;
}

function invalidQuery(path: string, message: string): WaygateError {
  return new WaygateError("validation_failed", "invalid query parameter", { details: [{ path, message }] });
}

/** Rejects unknown query parameters and reads `limit` and `cursor`. */
export function readPaging(params: URLSearchParams, filters: readonly string[]): Paging {
  const allowed = new Set(["limit", "cursor", ...filters]);
  for (const key of params.keys()) {
    if (!allowed.has(key)) throw new WaygateError("bad_request", `unknown query parameter '${key}'; allowed: ${[...allowed].join(", ")}`);
  }
  const raw = params.get("limit");
  let limit = DEFAULT_PAGE_SIZE;
  if (raw !== null) {
    limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw invalidQuery("limit", `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  const cursor = params.get("cursor");
  return cursor ? { limit, cursor } : { limit };
}

export function invalidField(path: string, message: string): WaygateError {
  return new WaygateError("validation_failed", `invalid ${path}`, { details: [{ path, message }] });
}

export function readObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new WaygateError("validation_failed", "request body must be a JSON object", { details: [{ path: "", message: "expected an object" }] });
  }
  return body as Record<string, unknown>;
}

/** Refuses fields other than `allowed`, naming each unknown one. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new WaygateError("validation_failed", "unknown fields", { details: unknown.map((path) => ({ path, message: "unknown field" })) });
  }
}

export function requireSystemAdmin(caller: Caller): void {
  if (!isAdmin(caller.principal)) throw new WaygateError("forbidden", "this needs a system admin (super_admin or admin)");
}

export function notFound(what: string, ref: string): WaygateError {
  return new WaygateError("not_found", `${what} '${ref}' not found`);
}
