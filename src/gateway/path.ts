/**
 * Splits a request URL into path and query without a full URL parse (this
 * runs on every request) and normalises the path the way RFC 3986 §6.2.2
 * says equivalent URIs compare: percent-encoded unreserved characters are
 * decoded (`/%61dmin` is `/admin`) and dot segments removed (§5.2.4), also
 * in their encoded forms, so `/a/%2e%2e/admin` cannot reach a route that
 * `/admin` would not. Routing and the upstream then see the same path.
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
  const raw = url.slice(start, end) || "/";
  const query = q >= 0 ? url.slice(q, hash > q ? hash : url.length) : "";
  const path = raw.includes("%") ? decodeUnreserved(raw) : raw;
  return { path: needsNormalising(path) ? normalisePath(path) : path, query };
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** `%61` → `a`, `%2E` → `.`; every other escape (`%2F`, `%25`, …) stays as it is. */
export function decodeUnreserved(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : escape;
  });
}

const AMBIGUOUS = /%2f|%5c|;/i;

/**
 * How an upstream might read the path differently from the router: with
 * encoded slashes or backslashes as separators (`/admin%2Fusers`), or with
 * `;` path parameters dropped (`/public/..;/admin`, as Java servers do).
 * Undefined when there is no such reading. The gateway refuses a request
 * whose other reading would match another route, since which of the two
 * routes the upstream ends up serving is then the upstream's guess.
 */
export function alternateReading(path: string): string | undefined {
  if (!AMBIGUOUS.test(path)) return undefined;
  const separated = path.replace(/%2f|%5c/gi, "/").replace(/;[^/]*/g, "");
  return normalisePath(separated.startsWith("/") ? separated : `/${separated}`);
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
