/**
 * How applications prove who they are: JWT credential settings and where a
 * service reads the credential from. Kept beside entities.ts, which builds
 * the credential and service documents from these pieces.
 */
import { z } from "zod";

export const JWT_ALGORITHMS = [
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export const isHmacAlgorithm = (alg: JwtAlgorithm): boolean => alg.startsWith("HS");

/** RFC 7518 §3.2: an HMAC key at least as long as the hash; 32 bytes covers HS256, HS384/HS512 are checked against the credential's algorithms. */
export const MIN_HMAC_SECRET = 32;

/**
 * One static verification key: a public key (PEM: SPKI or X.509
 * certificate; or a public JWK) for RS/PS/ES/EdDSA, or an HMAC `secret` for
 * HS*. `secret` is write-only: stored sealed, shown as `secret_hint`. An
 * HMAC key given without a secret keeps the stored secret of the key with
 * the same `kid` (or, without kid, at the same position).
 */
export const JwtKeyFields = z.strictObject({
  kid: z.string().min(1).max(256).optional(),
  pem: z.string().min(1).max(16_384).optional(),
  jwk: z.record(z.string(), z.unknown()).optional(),
  secret: z.string().min(MIN_HMAC_SECRET).max(4096).optional(),
  /** Derived from the secret; accepted (and ignored) so a read can be sent back as it is. */
  secret_hint: z.string().max(16).optional(),
});

export const JwtKeySpec = JwtKeyFields.superRefine((k, ctx) => {
  const given = [k.pem, k.jwk, k.secret].filter((v) => v !== undefined).length;
  if (given > 1) ctx.addIssue({ code: "custom", path: [], message: "give one of pem, jwk or secret" });
  if (k.jwk !== undefined && ("d" in k.jwk || k.jwk.kty === "oct")) {
    ctx.addIssue({ code: "custom", path: ["jwk"], message: "must be a public key (no private parts, no oct keys: give HMAC keys as secret)" });
  }
  if (k.pem !== undefined && /PRIVATE KEY/.test(k.pem)) {
    ctx.addIssue({ code: "custom", path: ["pem"], message: "must be a public key or certificate, never a private key" });
  }
});

export const JwtFields = z.strictObject({
  /** Tokens whose `iss` is exactly this are checked against this credential. */
  issuer: z.string().min(1).max(1024),
  /** When set, the token's `aud` must name one of these. */
  audiences: z.array(z.string().min(1).max(1024)).max(32).default([]),
  /** The only algorithms accepted; `none` never is. */
  algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).max(JWT_ALGORITHMS.length),
  keys: z.array(JwtKeySpec).max(32).default([]),
  /** Public keys fetched from here instead of (or besides) `keys`. */
  jwks_url: z.url({ protocol: /^https?$/ }).optional(),
  /** How long a fetched key set is used before it is fetched again. */
  jwks_cache_seconds: z.number().int().min(1).max(86_400).default(600),
  /** After a fetch, a token with an unknown `kid` triggers another fetch only once this has passed. */
  jwks_cooldown_seconds: z.number().int().min(0).max(3600).default(30),
  /** Leeway for `exp` and `nbf`. */
  clock_tolerance_seconds: z.number().int().min(0).max(600).default(30),
  /** Refuse tokens without `exp`. */
  require_expiry: z.boolean().default(true),
  /** When set, the token's `sub` must be exactly this. */
  subject: z.string().min(1).max(1024).optional(),
  /** Claims the token must carry with exactly these values (e.g. `azp`, `client_id`). */
  claims: z.record(z.string().min(1).max(256), z.union([z.string().max(1024), z.number(), z.boolean()])).default({}),
});

export const JwtSpec = JwtFields.superRefine((j, ctx) => {
  const hmac = j.algorithms.filter(isHmacAlgorithm);
  if (j.keys.length === 0 && j.jwks_url === undefined) {
    ctx.addIssue({ code: "custom", path: ["keys"], message: "give keys, jwks_url, or both" });
  }
  if (hmac.length > 0 && hmac.length < j.algorithms.length) {
    ctx.addIssue({ code: "custom", path: ["algorithms"], message: "mix no HMAC (HS*) with public-key algorithms: a public key must never be usable as an HMAC secret" });
  }
  if (hmac.length > 0 && j.jwks_url !== undefined) {
    ctx.addIssue({ code: "custom", path: ["jwks_url"], message: "a JWKS holds public keys; HS* algorithms need keys with a secret" });
  }
  const hmacBytes = Math.max(0, ...hmac.map((alg) => Number(alg.slice(2)) / 8));
  j.keys.forEach((k, i) => {
    if (k.secret !== undefined && Buffer.byteLength(k.secret, "utf8") < hmacBytes) {
      ctx.addIssue({ code: "custom", path: ["keys", i, "secret"], message: `must be at least ${hmacBytes} bytes for ${hmac.join(", ")}` });
    }
    if (hmac.length > 0 && (k.pem !== undefined || k.jwk !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["keys", i], message: "HS* algorithms take a secret, not a public key" });
    }
    if (hmac.length === 0 && k.pem === undefined && k.jwk === undefined) {
      ctx.addIssue({ code: "custom", path: ["keys", i], message: "public-key algorithms take pem or jwk, not a secret" });
    }
  });
});

/** A stored static key: the secret is sealed (`secret_enc`) and never read back. */
export interface StoredJwtKey {
  kid?: string;
  pem?: string;
  jwk?: Record<string, unknown>;
  secret_enc?: string;
  secret_hint?: string;
}

export type JwtInput = z.output<typeof JwtSpec>;
export type StoredJwt = Omit<JwtInput, "keys"> & { keys: StoredJwtKey[] };

const headerName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name")
  .refine((n) => n.toLowerCase() !== "authorization", "read Authorization with the `bearer` location");

/** `bearer` (Authorization: Bearer …), `{header: name}` (the whole value), or `{query: name}`. */
export const CredentialLocation = z.union([
  z.literal("bearer"),
  z.strictObject({ header: headerName }),
  z.strictObject({ query: z.string().min(1).max(128) }),
]);
export type CredentialLocationSpec = z.output<typeof CredentialLocation>;

export const DEFAULT_CREDENTIAL_LOCATIONS: CredentialLocationSpec[] = ["bearer", { header: "x-api-key" }];

export const SERVICE_AUTH_MODES = ["none", "key_auth", "jwt", "key_or_jwt"] as const;
