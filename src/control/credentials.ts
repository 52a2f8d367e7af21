/**
 * Credentials keep only the SHA-256 of their key. The plaintext is accepted
 * (or generated) on write, returned once in the create response, and never
 * readable again.
 */
import type { z } from "zod";
import type { Credential, CredentialInput } from "../config/entities.ts";
import { generateApiKey, hashApiKey, keyPrefix } from "../core/keys.ts";
import type { EntityData } from "../store/store.ts";

export type PublicCredential = Omit<Credential, "key_hash">;

export interface PreparedCredential {
  data: EntityData<"credentials">;
  /** The plaintext key when this write set a new one. */
  key?: string;
}

/**
 * A key in the input sets a new key; without one, an existing credential keeps
 * its key and a new one gets a generated key.
 */
export function prepareCredential(input: z.output<typeof CredentialInput>, existing?: Credential): PreparedCredential {
  const { key: given, ...rest } = input;
  if (given === undefined && existing) {
    return { data: { ...rest, key_hash: existing.key_hash, key_prefix: existing.key_prefix } };
  }
  const key = given ?? generateApiKey();
  return { data: { ...rest, key_hash: hashApiKey(key), key_prefix: keyPrefix(key) }, key };
}

export function publicCredential(c: Credential): PublicCredential {
  const { key_hash: _hidden, ...visible } = c;
  return visible;
}
