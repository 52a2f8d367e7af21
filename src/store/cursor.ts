/**
 * List cursors are opaque to clients; inside they carry the `seq` of the
 * last item returned, so a walk continues after it however many rows were
 * inserted or deleted meanwhile.
 */
import { WaygateError } from "../core/errors.ts";

export function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ s: seq })).toString("base64url");
}

export function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { s?: unknown };
    if (typeof parsed.s === "number" && Number.isSafeInteger(parsed.s) && parsed.s >= 0) return parsed.s;
  } catch {
    // fall through to the error below
  }
  throw new WaygateError("validation_failed", "invalid cursor", { details: [{ path: "cursor", message: "not a cursor returned by a previous page" }] });
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}
