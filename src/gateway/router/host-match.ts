/**
 * Host matching. Both sides are normalised the same way: lower case, port
 * removed, one trailing dot (fully qualified form) removed.
 *
 * `*.example.com` matches any subdomain at any depth (`a.example.com`,
 * `a.b.example.com`) but not the apex `example.com`; a route that wants both
 * lists both.
 */
import { WaygateError } from "../../core/errors.ts";

export type HostPattern = { wildcard: false; host: string } | { wildcard: true; suffix: string };

export function normaliseHost(raw: string): string {
  let h = raw;
  if (h.charCodeAt(0) === 91 /* [ */) {
    const close = h.indexOf("]");
    if (close !== -1) h = h.slice(0, close + 1);
  } else {
    const colon = h.indexOf(":");
    if (colon !== -1) h = h.slice(0, colon);
  }
  if (h.charCodeAt(h.length - 1) === 46 /* . */) h = h.slice(0, -1);
  return h.toLowerCase();
}

export function parseHost(raw: string): HostPattern {
  const h = normaliseHost(raw.trim());
  const fail = (why: string): WaygateError =>
    new WaygateError("config_invalid", `invalid route host ${JSON.stringify(raw)}: ${why}`, {
      details: [{ path: "hosts", message: why }],
    });
  if (h.startsWith("*.")) {
    const suffix = h.slice(1);
    if (suffix.length < 2 || suffix.includes("*")) throw fail("a wildcard must be a leading '*.' followed by a domain");
    return { wildcard: true, suffix };
  }
  if (h === "" || h.includes("*")) throw fail(h === "" ? "empty host" : "'*' is only allowed as a leading '*.' label");
  return { wildcard: false, host: h };
}

export function hostMatches(p: HostPattern, host: string): boolean {
  return p.wildcard ? host.length > p.suffix.length && host.endsWith(p.suffix) : host === p.host;
}

/** Exact hosts outrank wildcards; a longer wildcard suffix outranks a shorter one. */
export function hostRank(p: HostPattern | null): number {
  if (p === null) return 0;
  return p.wildcard ? 1 + p.suffix.length : 1_000_000;
}
