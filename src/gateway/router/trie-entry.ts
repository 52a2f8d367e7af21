/**
 * One (route, path, host) combination stored at a trie node. A route with
 * several paths or hosts becomes several entries so each can be ranked by
 * what it actually matched on.
 */
import type { CompiledHeader } from "./header-match.ts";
import { hostRank, type HostPattern } from "./host-match.ts";

/** Matches only the whole path. */
export const EXACT = 0;
/** Literal path with `prefix: true`: the path or anything below it. */
export const PREFIX = 1;
/** Pattern ending in `*`. */
export const WILDCARD = 2;
export type EntryKind = typeof EXACT | typeof PREFIX | typeof WILDCARD;

export interface Entry<T> {
  value: T;
  kind: EntryKind;
  paramNames: readonly string[];
  /** null = every method. */
  methods: readonly string[] | null;
  host: HostPattern | null;
  headers: readonly CompiledHeader[];
  priority: number;
  /** Insertion order, the last tie-breaker. */
  seq: number;
}

/**
 * Order among entries of equal path specificity: host-specific first, then
 * more header matchers, then higher priority, then the one added first.
 */
export function compareEntries<T>(a: Entry<T>, b: Entry<T>): number {
  return (
    hostRank(b.host) - hostRank(a.host) ||
    b.headers.length - a.headers.length ||
    b.priority - a.priority ||
    a.seq - b.seq
  );
}

export function insertSorted<T>(group: Entry<T>[], entry: Entry<T>): void {
  let i = group.length;
  while (i > 0 && compareEntries(group[i - 1]!, entry) > 0) i--;
  group.splice(i, 0, entry);
}
