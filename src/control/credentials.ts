/**
 * Credentials at rest. An API key keeps only its SHA-256: the plaintext is
 * accepted (or generated) on write, returned once in the create response,
 * and never readable again. A JWT credential keeps its settings with HMAC
 * secrets sealed by the SecretBox (src/config/jwt-credential.ts).
 */
import type { z } from "zod";
import { type Credential, type CredentialInput, credentialKindIssues } from "../config/entities.ts";
import { editableJwt, jwtMatcherHash, publicJwt, sealJwt } from "../config/jwt-credential.ts";
import { WaygateError } from "../core/errors.ts";
import { generateApiKey, hashApiKey, keyPrefix } from "../core/keys.ts";
import type { SecretBox } from "../core/secrets.ts";
import type { EntityData } from "../store/store.ts";

export type PublicCredential = Omit<Credential, "key_hash">;

export interface PreparedCredential {
  data: EntityData<"credentials">;
  /** The plaintext key when this write set a new one. */
  key?: string;
}

/**
 * A key in the input sets a new key; without one, an existing API key
 * credential keeps its key and a new one gets a generated key. JWT settings
 * are sealed with `secrets` (required when they carry an HMAC secret).
 */
export function prepareCredential(input: z.output<typeof CredentialInput>, existing?: Credential, secrets?: SecretBox): PreparedCredential {
  const issues = credentialKindIssues(input);
  if (issues.length > 0) throw new WaygateError("validation_failed", "invalid credentials document", { details: issues });
  const { key: given, jwt, ...rest } = input;
  if (rest.kind === "jwt" && jwt !== undefined) {
    const sealed = sealJwt(jwt, existing?.jwt, secrets);
    return { data: { ...rest, jwt: sealed, key_hash: jwtMatcherHash(sealed), key_prefix: "" } };
  }
  if (given === undefined && existing?.kind === "api_key") {
    return { data: { ...rest, key_hash: existing.key_hash, key_prefix: existing.key_prefix } };
  }
  const key = given ?? generateApiKey();
  return { data: { ...rest, key_hash: hashApiKey(key), key_prefix: keyPrefix(key) }, key };
}

export function publicCredential(c: Credential): PublicCredential {
  const { key_hash: _hidden, jwt, ...visible } = c;
  return jwt === undefined ? visible : { ...visible, jwt: publicJwt(jwt) };
}

/** The stored credential as an input document (for merge patches): no hash or prefix, sealed secrets kept by reference. */
export function editableCredential(c: Record<string, unknown>): Record<string, unknown> {
  const { key_hash: _h, key_prefix: _p, jwt, ...doc } = c;
  return jwt === undefined ? doc : { ...doc, jwt: editableJwt(jwt as NonNullable<Credential["jwt"]>) };
}
