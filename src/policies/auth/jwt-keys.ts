/**
 * Static JWT verification keys, turned once per snapshot into key objects,
 * each knowing which algorithms it may verify — so an RSA key is never
 * offered for ES256, and a public key never for HS256.
 */
import { createPublicKey, type JsonWebKeyInput, type KeyObject } from "node:crypto";
import type { JwtAlgorithm, StoredJwtKey } from "../../config/auth-entities.ts";
import type { SecretBox } from "../../core/secrets.ts";

export interface StaticKey {
  kid: string | undefined;
  key: KeyObject | Uint8Array;
  fits(alg: JwtAlgorithm): boolean;
}

const EC_CURVES: Partial<Record<JwtAlgorithm, string>> = { ES256: "prime256v1", ES384: "secp384r1", ES512: "secp521r1" };

function publicKeyFits(key: KeyObject): (alg: JwtAlgorithm) => boolean {
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return (alg) => {
    if (alg.startsWith("RS")) return type === "rsa";
    if (alg.startsWith("PS")) return type === "rsa" || type === "rsa-pss";
    if (alg.startsWith("ES")) return type === "ec" && curve === EC_CURVES[alg];
    if (alg === "EdDSA") return type === "ed25519" || type === "ed448";
    return false;
  };
}

/** Throws when a key cannot be used (a secret sealed under another master key, unreadable key material). */
export function staticKey(stored: StoredJwtKey, box: SecretBox | undefined): StaticKey {
  if (stored.secret_enc !== undefined) {
    if (!box) throw new Error("an HMAC secret is stored but this node has no master key");
    return { kid: stored.kid, key: new TextEncoder().encode(box.decrypt(stored.secret_enc)), fits: (alg) => alg.startsWith("HS") };
  }
  const key = stored.pem !== undefined ? createPublicKey(stored.pem) : createPublicKey({ key: stored.jwk, format: "jwk" } as JsonWebKeyInput);
  return { kid: stored.kid, key, fits: publicKeyFits(key) };
}

/** Keys that may verify a token with this header: the algorithm fits, and the kid matches when the token names one. */
export function candidateKeys(keys: readonly StaticKey[], alg: JwtAlgorithm, kid: string | undefined): StaticKey[] {
  return keys.filter((k) => k.fits(alg) && (kid === undefined || k.kid === undefined || k.kid === kid));
}
