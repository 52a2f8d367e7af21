/**
 * A fast, well-mixed 32-bit string hash for the hash ring: FNV-1a over the
 * UTF-16 code units followed by MurmurHash3's finalizer, whose avalanche
 * spreads near-identical inputs ("t#1", "t#2") across the whole ring. It is
 * stable across processes, so every gateway node maps a key identically.
 */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
