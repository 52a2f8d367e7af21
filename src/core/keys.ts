/**
 * API keys: high-entropy, shown once, stored only as SHA-256. A plain hash
 * (not argon2) is right here because keys carry 190+ bits of entropy and the
 * gateway must look them up in a hash map on every request.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export const KEY_PREFIX = "wg_";

export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let out = KEY_PREFIX;
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

export function hashApiKey(key: string): string {
  return new Bun.CryptoHasher("sha256").update(key).digest("hex");
}

/** The visible part of a key, enough to recognise it in lists and logs. */
export function keyPrefix(key: string): string {
  return key.slice(0, Math.min(10, Math.max(4, key.length - 8)));
}
