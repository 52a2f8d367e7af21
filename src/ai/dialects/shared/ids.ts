const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A random id in the style each API uses (`chatcmpl-…`, `resp_…`, `msg_…`). */
export function randomId(prefix: string, length = 24): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** Keep a provider id that already has the dialect's prefix; otherwise wear the prefix so SDKs that inspect ids are not surprised. */
export function withPrefix(prefix: string, id: string): string {
  if (id.startsWith(prefix)) return id;
  const clean = id.replace(/[^A-Za-z0-9_-]/g, "");
  return clean.length > 0 ? `${prefix}${clean}` : randomId(prefix);
}
