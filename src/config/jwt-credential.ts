/**
 * JWT credential settings at rest. HMAC secrets arrive in clear (admin API,
 * config apply), are stored only as SecretBox ciphertext plus a hint, and
 * never leave again — the same rules as provider keys. Shared by the admin
 * API, the YAML apply and the master key rotation.
 */
import { createHash, createPublicKey, type JsonWebKeyInput } from "node:crypto";
import type { FieldIssue } from "../core/errors.ts";
import { WaygateError } from "../core/errors.ts";
import type { SecretBox } from "../core/secrets.ts";
import { secretHint } from "../core/secrets.ts";
import type { JwtInput, StoredJwt, StoredJwtKey } from "./auth-entities.ts";

/** The stored key a key given without material stands for: same kid, or (both without kid) same position. */
function keptKey(given: { kid?: string | undefined }, index: number, existing: readonly StoredJwtKey[]): StoredJwtKey | undefined {
  if (given.kid !== undefined) return existing.find((k) => k.kid === given.kid && k.secret_enc !== undefined);
  const same = existing[index];
  return same !== undefined && same.kid === undefined && same.secret_enc !== undefined ? same : undefined;
}

/** A public key the gateway can use: PEM (SPKI or certificate) or JWK, never private material. */
function checkPublicKey(key: { pem?: string | undefined; jwk?: Record<string, unknown> | undefined }): string | undefined {
  try {
    const parsed = key.pem !== undefined ? createPublicKey(key.pem) : createPublicKey({ key: key.jwk, format: "jwk" } as JsonWebKeyInput);
    return parsed.type === "public" ? undefined : "not a public key";
  } catch (err) {
    return `not a usable public key (${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * Turns validated jwt settings into stored ones: secrets sealed, public keys
 * checked. `path` prefixes field paths in errors (`jwt` for the admin API).
 */
export function sealJwt(input: JwtInput, existing: StoredJwt | undefined, box: SecretBox | undefined, path = "jwt"): StoredJwt {
  const issues: FieldIssue[] = [];
  let needsBox = false;
  const before = existing?.keys ?? [];
  const keys = input.keys.map((key, i): StoredJwtKey => {
    const { secret, secret_hint: _derived, ...rest } = key;
    const out: StoredJwtKey = {};
    if (rest.kid !== undefined) out.kid = rest.kid;
    if (rest.pem !== undefined || rest.jwk !== undefined) {
      const problem = checkPublicKey(rest);
      if (problem) issues.push({ path: `${path}.keys.${i}.${rest.pem !== undefined ? "pem" : "jwk"}`, message: problem });
      if (rest.pem !== undefined) out.pem = rest.pem;
      if (rest.jwk !== undefined) out.jwk = rest.jwk;
      return out;
    }
    if (secret === undefined) {
      const kept = keptKey(rest, i, before);
      if (kept?.secret_enc === undefined) {
        issues.push({ path: `${path}.keys.${i}.secret`, message: "required: there is no stored secret to keep for this key" });
        return out;
      }
      out.secret_enc = kept.secret_enc;
      if (kept.secret_hint !== undefined) out.secret_hint = kept.secret_hint;
      return out;
    }
    if (!box) {
      needsBox = true;
      issues.push({ path: `${path}.keys.${i}.secret`, message: "needs a master key to be stored" });
      return out;
    }
    out.secret_enc = box.reseal(secret, keptKey(rest, i, before)?.secret_enc);
    out.secret_hint = secretHint(secret);
    return out;
  });
  if (needsBox) {
    throw new WaygateError("secrets_unavailable", "JWT secrets cannot be stored: no master key is configured on this node", { details: issues });
  }
  if (issues.length > 0) throw new WaygateError("validation_failed", "invalid jwt settings", { details: issues });
  return { ...input, keys };
}

/** What reads show: everything but the ciphertexts. */
export function publicJwt(jwt: StoredJwt): StoredJwt {
  return { ...jwt, keys: jwt.keys.map(({ secret_enc: _s, ...visible }) => visible) };
}

/** The settings as an input document may carry them: a sealed key becomes `kid` alone (or an empty entry), which keeps it. */
export function editableJwt(jwt: StoredJwt): Record<string, unknown> {
  return { ...jwt, keys: jwt.keys.map(({ secret_enc: _s, secret_hint: _h, ...rest }) => rest) };
}

/**
 * What makes a JWT credential distinct: its issuer, required subject and
 * claims. Stored as `key_hash`, whose uniqueness then refuses two
 * credentials that would claim exactly the same tokens.
 */
export function jwtMatcherHash(jwt: Pick<JwtInput, "issuer" | "subject" | "claims">): string {
  const claims = Object.keys(jwt.claims)
    .sort()
    .map((k) => [k, jwt.claims[k]]);
  return createHash("sha256")
    .update(JSON.stringify(["jwt", jwt.issuer, jwt.subject ?? null, claims]))
    .digest("hex");
}

/** The same settings with every secret re-encrypted from `from` to `to`; null when nothing changes. */
export function reencryptJwt(jwt: StoredJwt, from: SecretBox, to: SecretBox): StoredJwt | null {
  let changed = false;
  const keys = jwt.keys.map((k) => {
    if (k.secret_enc === undefined || k.secret_enc.split(":")[1] === to.keyId) return k;
    changed = true;
    return { ...k, secret_enc: to.encrypt(from.decrypt(k.secret_enc)) };
  });
  return changed ? { ...jwt, keys } : null;
}
