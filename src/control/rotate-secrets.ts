/**
 * Master key rotation: every stored secret is decrypted with the old key and
 * encrypted with the new one inside one transaction, so the store never
 * holds a mix that neither key alone can read. Values already under the new
 * key are left alone, which makes a repeated rotation harmless.
 */
import { WaygateError } from "../core/errors.ts";
import type { SecretBox } from "../core/secrets.ts";
import type { Provider } from "../config/ai-entities.ts";
import type { StoredJwt } from "../config/auth-entities.ts";
import type { EntityMap } from "../config/entities.ts";
import { reencryptJwt } from "../config/jwt-credential.ts";
import { reencryptProviderKeys } from "../config/provider-keys.ts";
import type { EntityData, Store, StoreOps } from "../store/store.ts";

export interface RotationSummary {
  /** Providers whose keys were re-encrypted. */
  providers: number;
  /** JWT credentials whose HMAC secrets were re-encrypted. */
  credentials: number;
  /** Encrypted values re-encrypted (secrets and session tokens). */
  values: number;
}

async function all<K extends "providers" | "credentials">(tx: StoreOps, kind: K): Promise<EntityMap[K][]> {
  const out: EntityMap[K][] = [];
  let cursor: string | undefined;
  do {
    const page = await tx.list(kind, { limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

function countMoved(before: Provider["keys"], after: Provider["keys"]): number {
  let n = 0;
  before.forEach((k, i) => {
    if (k.secret_enc !== after[i]?.secret_enc) n++;
    if (k.session_token_enc !== after[i]?.session_token_enc) n++;
  });
  return n;
}

export async function rotateSecrets(store: Store, from: SecretBox, to: SecretBox): Promise<RotationSummary> {
  return store.transaction(async (tx) => {
    const summary: RotationSummary = { providers: 0, credentials: 0, values: 0 };
    for (const provider of await all(tx, "providers")) {
      let keys: Provider["keys"] | null;
      try {
        keys = reencryptProviderKeys(provider.keys, from, to);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new WaygateError("config_invalid", `provider '${provider.name}': cannot decrypt a key with the current master key (${reason}); nothing was changed`);
      }
      if (keys === null) continue;
      const { id, created_at: _c, updated_at: _u, ...doc } = provider;
      await tx.update("providers", id, { ...doc, keys } as EntityData<"providers">);
      summary.providers++;
      summary.values += countMoved(provider.keys, keys);
    }
    for (const credential of await all(tx, "credentials")) {
      if (credential.jwt === undefined) continue;
      let jwt: StoredJwt | null;
      try {
        jwt = reencryptJwt(credential.jwt, from, to);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new WaygateError("config_invalid", `credential '${credential.name}': cannot decrypt a JWT secret with the current master key (${reason}); nothing was changed`);
      }
      if (jwt === null) continue;
      const { id, created_at: _c, updated_at: _u, ...doc } = credential;
      await tx.update("credentials", id, { ...doc, jwt });
      summary.credentials++;
      summary.values += jwt.keys.filter((k, i) => k.secret_enc !== credential.jwt?.keys[i]?.secret_enc).length;
    }
    return summary;
  });
}
