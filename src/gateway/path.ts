/**
 * Splits a request URL into path and query without a full URL parse (this
 * runs on every request) and removes dot segments (RFC 3986 §5.2.4), also
 * in their percent-encoded forms, so `/a/%2e%2e/admin` cannot reach a
 * route that `/admin` would not.
 */
export interface SplitUrl {
  path: string;
  /** Including '?', or ''. */
  query: string;
}

export function splitUrl(url: string): SplitUrl {
  const scheme = url.indexOf("://");
  const start = scheme >= 0 ? url.indexOf("/", scheme + 3) : 0;
  if (start < 0) return { path: "/", query: "" };
  const q = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = q >= 0 ? q : hash >= 0 ? hash : url.length;
  const path = url.slice(start, end) || "/";
  const query = q >= 0 ? url.slice(q, hash > q ? hash : url.length) : "";
  return { path: needsNormalising(path) ? normalisePath(path) : path, query };
}

function needsNormalising(path: string): boolean {
  return path.includes("/.") || path.includes("%2e") || path.includes("%2E") || path.includes("//");
}

export function normalisePath(path: string): string {
  const out: string[] = [];
  const segments = path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    const plain = seg.replace(/%2e/gi, ".");
    if (plain === ".") continue;
    if (plain === "..") {
      out.pop();
      continue;
    }
    if (seg === "" && i < segments.length - 1) continue;
    out.push(seg);
  }
  return `/${out.join("/")}`;
}
