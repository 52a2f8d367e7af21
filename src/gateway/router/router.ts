/**
 * The data-plane router: compiled once per snapshot, matched per request.
 * Paths go through a radix trie (static segments, `:params`, `*` tails and
 * prefix routes); methods, hosts and header matchers are checked on the few
 * candidates the trie yields.
 */

export interface RouteSpec {
  /** Empty = every method. Upper case. */
  methods: readonly string[];
  /** `/users/:id`, `/files/*`, `/api` (with prefix: also `/api/...`). */
  paths: readonly string[];
  /** When true a literal path also matches everything below it (segment boundary). */
  prefix: boolean;
  /** Exact hosts or `*.example.com` wildcards; empty = any host. Case-insensitive, port ignored. */
  hosts: readonly string[];
  headers: readonly HeaderMatch[];
  /** Tie-breaker among equally specific matches; higher wins. */
  priority: number;
}

export interface HeaderMatch {
  name: string;
  value?: string;
  regex?: string;
  present?: boolean;
}

export interface MatchInput {
  method: string;
  /** Host header value (may include a port). */
  host: string;
  /** Decoded-safe path: no query string. */
  path: string;
  headers: { get(name: string): string | null };
}

export interface RouteMatch<T> {
  value: T;
  params: Record<string, string>;
  /** The part of the request path the route pattern consumed (for strip_path). */
  matchedPath: string;
  /** The remainder matched by `*` or by prefix matching, '' if none. */
  rest: string;
}

export type MatchResult<T> =
  | { ok: true; match: RouteMatch<T> }
  /** A route matches the path but none allows the method. */
  | { ok: false; reason: "method_not_allowed"; allowed: string[] }
  | { ok: false; reason: "not_found" };

export interface Router<T> {
  add(spec: RouteSpec, value: T): void;
  match(input: MatchInput): MatchResult<T>;
}
