/**
 * A node of the segment trie. Static children are found by comparing the
 * request path in place (no substring) while a node has few of them, and by a
 * Map once it has many, where one substring per lookup is cheaper than a scan.
 */
import type { Entry } from "./trie-entry.ts";

const MAP_THRESHOLD = 8;

export class TrieNode<T> {
  private readonly keys: string[] = [];
  private readonly nodes: TrieNode<T>[] = [];
  private map: Map<string, TrieNode<T>> | null = null;
  param: TrieNode<T> | null = null;
  /** Entries that match when the path ends at this node. */
  exact: Entry<T>[] | null = null;
  /** Prefix and wildcard entries: they match here or below, with a tail. */
  tail: Entry<T>[] | null = null;

  staticChildFor(segment: string): TrieNode<T> {
    const i = this.keys.indexOf(segment);
    if (i !== -1) return this.nodes[i]!;
    const child = new TrieNode<T>();
    this.keys.push(segment);
    this.nodes.push(child);
    if (this.map !== null) this.map.set(segment, child);
    else if (this.keys.length > MAP_THRESHOLD) this.map = new Map(this.keys.map((k, j) => [k, this.nodes[j]!]));
    return child;
  }

  paramChild(): TrieNode<T> {
    return (this.param ??= new TrieNode<T>());
  }

  /** The static child whose key equals path[start, end), if any. */
  findStatic(path: string, start: number, end: number): TrieNode<T> | undefined {
    if (this.map !== null) return this.map.get(path.slice(start, end));
    const keys = this.keys;
    const len = end - start;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k.length === len && path.startsWith(k, start)) return this.nodes[i];
    }
    return undefined;
  }
}
