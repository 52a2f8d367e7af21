/**
 * Pages over lists the catalog builds in memory, in a stable order: the
 * cursor carries the sort key of the last item returned, so a walk goes on
 * after it even when items were added or removed meanwhile.
 */
import { WaygateError } from "../core/errors.ts";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../store/cursor.ts";

export interface CatalogPage<T> {
  data: T[];
  next: string | null;
  total: number;
}

function invalid(path: string, message: string): WaygateError {
  return new WaygateError("validation_failed", "invalid query parameter", { details: [{ path, message }] });
}

export function readLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw invalid("limit", `must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

function readCursor(raw: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { k?: unknown };
    if (typeof parsed.k === "string") return parsed.k;
  } catch {
    // reported below
  }
  throw invalid("cursor", "not a cursor returned by a previous page");
}

/** `items` sorted by `key`; the page after the cursor's key. */
export function pageOf<T, V>(items: readonly T[], key: (item: T) => string, view: (item: T) => V, params: URLSearchParams): CatalogPage<V> {
  const limit = readLimit(params.get("limit"));
  const cursor = params.get("cursor");
  const after = cursor ? readCursor(cursor) : undefined;
  const rest = after === undefined ? items : items.filter((item) => key(item) > after);
  const page = rest.slice(0, limit);
  const last = page[page.length - 1];
  const next = rest.length > limit && last !== undefined ? Buffer.from(JSON.stringify({ k: key(last) })).toString("base64url") : null;
  return { data: page.map(view), next, total: items.length };
}

export function checkParams(params: URLSearchParams, allowed: readonly string[]): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key)) throw new WaygateError("bad_request", `unknown query parameter '${key}'; allowed: ${allowed.join(", ")}`);
  }
}
