/**
 * Remote key sets (JWKS URLs) outlive snapshots: a configuration change must
 * not throw away fetched keys and make every gateway node fetch again. Each
 * set is jose's remote JWK set, which caches the keys for the credential's
 * cache time, refetches on an unknown `kid` at most once per cooldown, and
 * shares one in-flight fetch between concurrent requests.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";

/** A fetch that hangs must not hold requests for long: they fail with jwks_unavailable instead. */
const FETCH_TIMEOUT_MS = 3000;

export interface RemoteKeySetSpec {
  url: string;
  cacheSeconds: number;
  cooldownSeconds: number;
}

export class JwksRegistry {
  private readonly sets = new Map<string, JWTVerifyGetKey>();

  static keyOf(spec: RemoteKeySetSpec): string {
    return `${spec.url} ${spec.cacheSeconds} ${spec.cooldownSeconds}`;
  }

  get(spec: RemoteKeySetSpec): JWTVerifyGetKey {
    const key = JwksRegistry.keyOf(spec);
    let set = this.sets.get(key);
    if (!set) {
      set = createRemoteJWKSet(new URL(spec.url), {
        cacheMaxAge: spec.cacheSeconds * 1000,
        cooldownDuration: spec.cooldownSeconds * 1000,
        timeoutDuration: FETCH_TIMEOUT_MS,
      });
      this.sets.set(key, set);
    }
    return set;
  }

  /** Forgets sets no credential uses any more. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.sets.keys()) if (!keys.has(key)) this.sets.delete(key);
  }
}
