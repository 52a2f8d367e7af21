/**
 * The segment-trie implementation of Router<T>.
 *
 * Matching walks the trie depth-first in specificity order: at each level a
 * static segment is tried before a `:param`, and both before the prefix and
 * `*` entries of the current node, so the first route that fully matches is
 * the most specific one. Entries that share a node are pre-sorted by host,
 * header count, priority and insertion order (see trie-entry.ts).
 *
 * Decisions worth knowing:
 * - One trailing slash is ignored for matching (`/users/1/` matches
 *   `/users/:id`); `rest` and `*` keep the request's raw tail, so
 *   `matchedPath + rest` is always the request path for prefix and `*` routes.
 * - `/files/*` also matches `/files` and `/files/` (then `*` is '').
 * - `prefix` applies to literal paths only; patterns with `:params` match
 *   exactly (use a `*` tail to match below them).
 * - A `:param` never matches an empty segment; values are the raw segment
 *   text (no percent-decoding, so `%2F` stays inside its segment).
 * - A route whose method does not fit does not block less specific routes:
 *   405 is returned only when no route at all fits the method.
 * - A path that does not start with '/' matches nothing.
 * - Request paths of any length are safe: the walk goes only as deep as some
 *   pattern, and patterns are limited to MAX_PATTERN_SEGMENTS levels.
 */
import type { MatchInput, MatchResult, RouteMatch, RouteSpec, Router } from "./router.ts";
import { parsePattern, segmentEnd, trimmedEnd } from "./path-pattern.ts";
import { parseHost, hostMatches, type HostPattern } from "./host-match.ts";
import { compileHeader, headersMatch } from "./header-match.ts";
import { EXACT, PREFIX, WILDCARD, insertSorted, type Entry, type EntryKind } from "./trie-entry.ts";
import { TrieNode } from "./trie-node.ts";
import { MatchState } from "./match-state.ts";

const SLASH = 47;
const NOT_FOUND: MatchResult<never> = Object.freeze({ ok: false, reason: "not_found" });

export class TrieRouter<T> implements Router<T> {
  private readonly root = new TrieNode<T>();
  private seq = 0;
  /** null while a match is running (a re-entrant match gets its own state). */
  private state: MatchState | null = new MatchState();

  add(spec: RouteSpec, value: T): void {
    // Everything is validated before the trie is touched, so a throwing add leaves the router unchanged.
    const hosts: (HostPattern | null)[] = spec.hosts.length === 0 ? [null] : spec.hosts.map(parseHost);
    const headers = spec.headers.map(compileHeader);
    const methods = spec.methods.length === 0 ? null : [...new Set(spec.methods.map((m) => m.toUpperCase()))];
    const patterns = spec.paths.map(parsePattern);
    const seq = this.seq++;
    for (const pattern of patterns) {
      const literal = !pattern.wildcard && pattern.paramNames.length === 0;
      const kind: EntryKind = pattern.wildcard ? WILDCARD : literal && spec.prefix ? PREFIX : EXACT;
      let node = this.root;
      for (const seg of pattern.segments) node = seg.kind === "static" ? node.staticChildFor(seg.value) : node.paramChild();
      for (const host of hosts) {
        const entry: Entry<T> = {
          value,
          kind,
          paramNames: pattern.paramNames,
          methods,
          host,
          headers,
          priority: spec.priority,
          seq,
        };
        if (kind === EXACT) insertSorted((node.exact ??= []), entry);
        else insertSorted((node.tail ??= []), entry);
      }
    }
  }

  match(input: MatchInput): MatchResult<T> {
    const path = input.path;
    if (path.charCodeAt(0) !== SLASH) return NOT_FOUND;
    const state = this.state ?? new MatchState();
    this.state = null;
    state.begin(input);
    const found = this.search(path, state);
    let result: MatchResult<T>;
    if (found !== null) result = { ok: true, match: found };
    else if (state.allowed !== null) result = { ok: false, reason: "method_not_allowed", allowed: [...state.allowed].sort() };
    else result = NOT_FOUND;
    state.end();
    this.state = state;
    return result;
  }

  private search(path: string, s: MatchState): RouteMatch<T> | null {
    return walk(this.root, path, 0, trimmedEnd(path), 0, s);
  }
}

/**
 * Depth-first in specificity order from `node`, which has consumed
 * path[0, pos); `k` params are captured so far. Recursion happens only where
 * a node offers a choice, so depth is bounded by MAX_PATTERN_SEGMENTS.
 */
function walk<T>(node: TrieNode<T>, path: string, pos: number, end: number, k: number, s: MatchState): RouteMatch<T> | null {
  // Nodes with nothing to fall back to are descended in a loop, not a call.
  while (pos !== end && node.param === null && node.tail === null) {
    const next = segmentEnd(path, pos, end);
    const child = node.findStatic(path, pos + 1, next);
    if (child === undefined) return null;
    node = child;
    pos = next;
  }
  if (pos === end) {
    const e = pick(node.exact, s) ?? pick(node.tail, s);
    return e === null ? null : build(e, path, pos, k, s);
  }
  const next = segmentEnd(path, pos, end);
  const child = node.findStatic(path, pos + 1, next);
  if (child !== undefined) {
    const m = walk(child, path, next, end, k, s);
    if (m !== null) return m;
  }
  const param = node.param;
  if (param !== null && next > pos + 1) {
    s.paramStart[k] = pos + 1;
    s.paramEnd[k] = next;
    const m = walk(param, path, next, end, k + 1, s);
    if (m !== null) return m;
  }
  const e = pick(node.tail, s);
  return e === null ? null : build(e, path, pos, k, s);
}

/** The first entry whose host, headers and method fit; records methods of those that fit all but the method. */
function pick<T>(group: Entry<T>[] | null, s: MatchState): Entry<T> | null {
  if (group === null) return null;
  const input = s.input!;
  for (let i = 0; i < group.length; i++) {
    const e = group[i]!;
    if (e.host !== null && !hostMatches(e.host, s.requestHost())) continue;
    if (e.headers.length > 0 && !headersMatch(e.headers, input.headers)) continue;
    if (e.methods === null || e.methods.includes(input.method)) return e;
    s.addAllowed(e.methods);
  }
  return null;
}

function build<T>(e: Entry<T>, path: string, pos: number, paramCount: number, s: MatchState): RouteMatch<T> {
  const params: Record<string, string> = {};
  const names = e.paramNames;
  for (let k = 0; k < paramCount; k++) params[names[k]!] = path.slice(s.paramStart[k]!, s.paramEnd[k]!);
  if (e.kind === EXACT) return { value: e.value, params, matchedPath: path, rest: "" };
  const rest = pos === 0 ? path : path.slice(pos);
  if (e.kind === WILDCARD) params["*"] = rest.length > 0 ? rest.slice(1) : "";
  return { value: e.value, params, matchedPath: path.slice(0, pos), rest };
}
