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

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Every '%' starts a two-hex-digit escape (RFC 3986 §2.1); anything else is not a URI path. */
export function wellFormedEscapes(path: string): boolean {
  for (let i = path.indexOf("%"); i >= 0; i = path.indexOf("%", i + 1)) {
    if (!isHex(path.charCodeAt(i + 1)) || !isHex(path.charCodeAt(i + 2))) return false;
  }
  return true;
}
