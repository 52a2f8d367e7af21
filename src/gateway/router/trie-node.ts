/**
 * A node of the segment trie. Static children are found without cutting the
 * request path into substrings: by comparing in place while a node has few
 * children, and through an open-addressing table keyed by a hash of the
 * segment's characters once it has many (measured faster than slicing the
 * segment and asking a Map).
 */
import type { Entry } from "./trie-entry.ts";

const TABLE_THRESHOLD = 8;

export class TrieNode<T> {
  private readonly keys: string[] = [];
  private readonly hashes: number[] = [];
  private readonly nodes: TrieNode<T>[] = [];
  /** Slot → index into keys + 1 (0 = empty); linear probing. */
  private table: Int32Array | null = null;
  private mask = 0;
  param: TrieNode<T> | null = null;
  /** Entries that match when the path ends at this node. */
  exact: Entry<T>[] | null = null;
  /** Prefix and wildcard entries: they match here or below, with a tail. */
  tail: Entry<T>[] | null = null;

  staticChildFor(segment: string): TrieNode<T> {
    const existing = this.findStatic(segment, 0, segment.length);
    if (existing !== undefined) return existing;
    const child = new TrieNode<T>();
    this.keys.push(segment);
    this.hashes.push(hashRange(segment, 0, segment.length));
    this.nodes.push(child);
    if (this.keys.length > TABLE_THRESHOLD) this.index();
    return child;
  }

  paramChild(): TrieNode<T> {
    return (this.param ??= new TrieNode<T>());
  }

  /** The static child whose key equals path[start, end), if any. */
  findStatic(path: string, start: number, end: number): TrieNode<T> | undefined {
    const keys = this.keys;
    const len = end - start;
    const table = this.table;
    if (table !== null) {
      const h = hashRange(path, start, end);
      const mask = this.mask;
      for (let i = h & mask; ; i = (i + 1) & mask) {
        const slot: number = table[i]!;
        if (slot === 0) return undefined;
        const j = slot - 1;
        if (this.hashes[j] === h && keys[j]!.length === len && sameAt(path, start, keys[j]!)) return this.nodes[j];
      }
    }
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k.length === len && sameAt(path, start, k)) return this.nodes[i];
    }
    return undefined;
  }

  /** Adds the newest key to the table, rebuilding it at twice the size when over half full. */
  private index(): void {
    const n = this.keys.length;
    if (this.table !== null && this.table.length >= n * 2) {
      this.place(n - 1);
      return;
    }
    let size = 16;
    while (size < n * 2) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let j = 0; j < n; j++) this.place(j);
  }

  private place(j: number): void {
    const table = this.table!;
    let i = this.hashes[j]! & this.mask;
    while (table[i] !== 0) i = (i + 1) & this.mask;
    table[i] = j + 1;
  }
}

/** FNV-1a over UTF-16 code units, computed in place. */
function hashRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

function sameAt(s: string, start: number, key: string): boolean {
  for (let i = 0; i < key.length; i++) if (s.charCodeAt(start + i) !== key.charCodeAt(i)) return false;
  return true;
}
