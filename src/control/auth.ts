/**
 * The bootstrap admin token, and where the admin API finds a caller's
 * credential: `Authorization: Bearer …` or `x-admin-token`. The admin token
 * authenticates as the built-in super admin (src/identity/principal.ts
 * compares SHA-256 digests in constant time, so neither the content nor the
 * length of the token leaks through timing); a deployment can configure
 * only the token's hash. Sessions and access tokens travel the same way.
 */

/** The token itself, or only its SHA-256 (hex) so the plaintext need not be kept. */
export type AdminTokenSpec = string | { kind: "plain"; token: string } | { kind: "sha256"; hash: string };

function sha256(value: string): Buffer {
  return Buffer.from(new Bun.CryptoHasher("sha256").update(value).digest());
}

/** The expected digest, or undefined when no usable token is configured. */
export function expectedDigest(spec: AdminTokenSpec): Buffer | undefined {
  const plain = typeof spec === "string" ? spec : spec.kind === "plain" ? spec.token : undefined;
  if (plain !== undefined) return plain.length > 0 ? sha256(plain) : undefined;
  const hash = (spec as { hash: string }).hash.toLowerCase();
  return /^[0-9a-f]{64}$/.test(hash) ? Buffer.from(hash, "hex") : undefined;
}

export function presentedToken(req: Request): string | undefined {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match?.[1]) return match[1].trim();
  }
  return req.headers.get("x-admin-token") ?? undefined;
}
