/**
 * Origin matching, compiled once. Entries are `*`, exact origins
 * (`https://app.example.com`, `http://localhost:3000`) or one wildcard
 * subdomain level or more (`https://*.example.com`, which does not match
 * `https://example.com` itself).
 */

interface Wildcard {
  prefix: string;
  suffix: string;
}

export interface OriginMatcher {
  readonly any: boolean;
  matches(origin: string): boolean;
}

/** Checks an entry at configuration time; returns a reason when it is not usable. */
export function originEntryProblem(entry: string): string | undefined {
  if (entry === "*" || entry === "null") return undefined;
  const star = entry.indexOf("*");
  const probe = star < 0 ? entry : entry.slice(0, star) + "x" + entry.slice(star + 1);
  if (star >= 0 && (entry.indexOf("*", star + 1) >= 0 || entry.slice(star + 1, star + 2) !== "." || entry.slice(star - 3, star) !== "://")) {
    return "a wildcard must be a leading `*.` on the host, as in https://*.example.com";
  }
  let url: URL;
  try {
    url = new URL(probe);
  } catch {
    return "not an origin (scheme://host[:port])";
  }
  if (url.origin === "null" || url.origin !== probe.toLowerCase()) return "not an origin (scheme://host[:port], no path or trailing slash)";
  return undefined;
}

// Host characters after lowercasing; the wildcard part must be made of them only, so `https://evil.com#.example.com` cannot match.
function hostChars(s: string, from: number, to: number): boolean {
  if (to <= from || s.charCodeAt(from) === 46) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46;
    if (!ok) return false;
  }
  return true;
}

export function compileOrigins(entries: readonly string[]): OriginMatcher {
  let any = false;
  const exact = new Set<string>();
  const wild: Wildcard[] = [];
  for (const e of entries) {
    if (e === "*") any = true;
    else if (e.includes("*")) {
      const star = e.indexOf("*");
      wild.push({ prefix: e.slice(0, star).toLowerCase(), suffix: e.slice(star + 1).toLowerCase() });
    } else exact.add(e.toLowerCase());
  }
  return {
    any,
    matches(origin: string): boolean {
      // An opaque origin (sandboxed frames, file: pages) is allowed only when listed by name, never by `*`.
      if (origin === "null") return exact.has("null");
      if (any) return true;
      const o = origin.toLowerCase();
      if (exact.has(o)) return true;
      for (const w of wild) {
        if (o.length > w.prefix.length + w.suffix.length && o.startsWith(w.prefix) && o.endsWith(w.suffix)) {
          if (hostChars(o, w.prefix.length, o.length - w.suffix.length)) return true;
        }
      }
      return false;
    },
  };
}
