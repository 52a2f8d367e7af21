/**
 * RateLimit-Limit / -Remaining / -Reset (IETF httpapi ratelimit-headers
 * draft; Reset in delta seconds). With several limits on one request the
 * most restrictive one (fewest remaining) is reported.
 */
import type { HitResult } from "../../counters/counter-store.ts";

export function setRateLimitHeaders(headers: Headers, limit: number, hit: HitResult): void {
  const shown = headers.get("ratelimit-remaining");
  if (shown !== null && Number(shown) <= hit.remaining) return;
  headers.set("RateLimit-Limit", String(limit));
  headers.set("RateLimit-Remaining", String(Math.floor(hit.remaining)));
  headers.set("RateLimit-Reset", String(Math.ceil(hit.resetMs / 1000)));
}

/** Seconds for Retry-After: whole, and at least 1 so clients do not retry at once. */
export function retryAfterSeconds(hit: HitResult): number {
  return Math.max(1, Math.ceil(hit.retryAfterMs / 1000));
}
