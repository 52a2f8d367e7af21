/**
 * Deterministic embedding vectors: the same text always gives the same
 * unit vector, different texts give different ones, so similarity tests
 * and caching tests are reproducible.
 */

export const DEFAULT_DIMENSIONS = 16;

export function embedText(text: string, dimensions = DEFAULT_DIMENSIONS): number[] {
  let seed = fnv1a(text);
  const v: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    seed = xorshift(seed);
    v.push((seed / 0xffffffff) * 2 - 1);
  }
  const norm = Math.sqrt(v.reduce((n, x) => n + x * x, 0)) || 1;
  return v.map((x) => Math.fround(x / norm));
}

/** Little-endian float32 bytes in base64, as OpenAI's `encoding_format: "base64"` sends them. */
export function float32Base64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h || 1;
}

function xorshift(x: number): number {
  let s = x >>> 0;
  s ^= s << 13;
  s >>>= 0;
  s ^= s >>> 17;
  s ^= s << 5;
  return s >>> 0 || 1;
}
