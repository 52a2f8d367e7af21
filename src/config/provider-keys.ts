/**
 * Provider key secrets at rest. Secrets arrive in clear (admin API, config
 * apply), are stored only as SecretBox ciphertext plus a hint, and never
 * leave again: every read goes through publicProviderKeys. Shared by the
 * admin API, the YAML apply and the master key rotation so the three agree
 * on what "keep the stored secret" means.
 */
import type { z } from "zod";
import type { FieldIssue } from "../core/errors.ts";
import { WaygateError } from "../core/errors.ts";
import type { SecretBox } from "../core/secrets.ts";
import { secretHint } from "../core/secrets.ts";
import type { Provider, ProviderKeySpec, StoredProviderKey } from "./ai-entities.ts";

export type ProviderKeyInput = z.output<typeof ProviderKeySpec>;

/** What reads show of a key: everything but the ciphertexts. */
export type PublicProviderKey = Omit<StoredProviderKey, "secret_enc" | "session_token_enc">;

function unavailable(issues: FieldIssue[]): WaygateError {
  return new WaygateError("secrets_unavailable", "provider secrets cannot be stored: no master key is configured on this node", {
    details: issues,
  });
}

/**
 * Turns validated input keys into stored keys. A key given without `secret`
 * keeps the stored secret (and session token, unless a new one is given) of
 * the existing key with the same name; a key given with a new `secret` gets
 * exactly the session token it was given, since AWS session tokens belong
 * to one secret.
 */
export function sealProviderKeys(keys: ProviderKeyInput[], existing: readonly StoredProviderKey[], box: SecretBox | undefined): StoredProviderKey[] {
  const missingBox: FieldIssue[] = [];
  const sealed = keys.map((key, i): StoredProviderKey => {
    const { secret, session_token, ...rest } = key;
    const before = existing.find((k) => k.name === key.name);
    const out: StoredProviderKey = { ...rest };
    if (secret === undefined) {
      if (before?.secret_enc !== undefined) out.secret_enc = before.secret_enc;
      if (before?.secret_hint !== undefined) out.secret_hint = before.secret_hint;
    }
    const keepToken = secret === undefined && session_token === undefined ? before?.session_token_enc : undefined;
    if (keepToken !== undefined) out.session_token_enc = keepToken;
    if (secret === undefined && session_token === undefined) return out;
    if (!box) {
      if (secret !== undefined) missingBox.push({ path: `keys.${i}.secret`, message: "needs a master key to be stored" });
      if (session_token !== undefined) missingBox.push({ path: `keys.${i}.session_token`, message: "needs a master key to be stored" });
      return out;
    }
    if (secret !== undefined) {
      out.secret_enc = box.reseal(secret, before?.secret_enc);
      out.secret_hint = secretHint(secret);
    }
    if (session_token !== undefined) out.session_token_enc = box.reseal(session_token, before?.session_token_enc);
    return out;
  });
  if (missingBox.length > 0) throw unavailable(missingBox);
  return sealed;
}

export function publicProviderKeys(keys: readonly StoredProviderKey[]): PublicProviderKey[] {
  return keys.map(({ secret_enc: _s, session_token_enc: _t, ...visible }) => visible);
}

/** A provider as reads return it. */
export function publicProvider(p: Provider): Omit<Provider, "keys"> & { keys: PublicProviderKey[] } {
  return { ...p, keys: publicProviderKeys(p.keys) };
}

/** The keys as an input document may carry them: hints are derived, so an echoed hint is dropped. */
export function editableProviderKeys(keys: readonly StoredProviderKey[]): Record<string, unknown>[] {
  return keys.map(({ secret_enc: _s, session_token_enc: _t, secret_hint: _h, ...rest }) => rest);
}

/**
 * The same keys with every ciphertext re-encrypted from `from` to `to`.
 * Values already under `to` are left as they are, so an interrupted or
 * repeated rotation is harmless. Returns null when nothing changes.
 */
export function reencryptProviderKeys(keys: readonly StoredProviderKey[], from: SecretBox, to: SecretBox): StoredProviderKey[] | null {
  let changed = false;
  const move = (value: string | undefined): string | undefined => {
    if (value === undefined || value.split(":")[1] === to.keyId) return value;
    changed = true;
    return to.encrypt(from.decrypt(value));
  };
  const out = keys.map((k) => {
    const next: StoredProviderKey = { ...k };
    const secret = move(k.secret_enc);
    const token = move(k.session_token_enc);
    if (secret !== undefined) next.secret_enc = secret;
    if (token !== undefined) next.session_token_enc = token;
    return next;
  });
  return changed ? out : null;
}
