import { spanUrl } from "../telemetry/tracing/request-trace.ts";

export interface TargetParts {
  /** The URL without trailing slashes, for appending the request path. */
  base: string;
  origin: string;
  /** The URL as an attempt span shows it (no credentials, no query). */
  spanUrl: string;
}

/** Target URLs parsed once, not per request. */
const cache = new Map<string, TargetParts>();

export function targetParts(url: string): TargetParts {
  let parts = cache.get(url);
  if (!parts) {
    parts = { base: url.replace(/\/+$/, ""), origin: new URL(url).origin, spanUrl: spanUrl(url) };
    if (cache.size > 10_000) cache.clear();
    cache.set(url, parts);
  }
  return parts;
}
