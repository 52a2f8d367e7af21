/**
 * Session tokens and personal access tokens: 256 random bits behind a
 * prefix that says what the token is, kept only as SHA-256. A plain hash
 * is enough (and lets every request find its token by index) because the
 * tokens are random, unlike passwords.
 */
export const SESSION_PREFIX = "wgs_";
export const ACCESS_TOKEN_PREFIX = "wgp_";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function generateToken(prefix: string): string {
  // 43 characters from 62 with rejection sampling: about 256 bits, no modulo bias.
  let out = prefix;
  while (out.length < prefix.length + 43) {
    for (const b of crypto.getRandomValues(new Uint8Array(64))) {
      if (b < 248 && out.length < prefix.length + 43) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export function hashToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

/** Enough of a token to recognise it in a list; far too little to guess the rest. */
export function visiblePrefix(token: string): string {
  return token.slice(0, 12);
}
