/** Ids adapters make up when a provider leaves one out. */

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A random id such as `chatcmpl-3f2a…`, for responses and tool calls a provider did not name. */
export function generateId(prefix: string): string {
  return `${prefix}${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/**
 * A deterministic alphanumeric id of `length` characters derived from any
 * string. Providers with strict id formats (Mistral: 9 characters
 * [a-zA-Z0-9]) get the same translated id for a tool call and for its
 * result, so the pairing survives translation.
 */
export function alnumId(seed: string, length: number): string {
  // FNV-1a, extended to as many characters as needed by re-mixing the state.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = "";
  for (let i = 0; i < length; i++) {
    h ^= i + 1;
    h = Math.imul(h, 0x01000193) >>> 0;
    out += ALNUM[h % ALNUM.length];
  }
  return out;
}
