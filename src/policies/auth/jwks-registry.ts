/**
 * Remote key sets (JWKS URLs) outlive snapshots: a configuration change must
 * not throw away fetched keys and make every gateway node fetch again.
 */
import { RemoteKeySet } from "./remote-key-set.ts";

export interface RemoteKeySetSpec {
  url: string;
  cacheSeconds: number;
  cooldownSeconds: number;
}

export class JwksRegistry {
  private readonly sets = new Map<string, RemoteKeySet>();

  static keyOf(spec: RemoteKeySetSpec): string {
    return `${spec.url} ${spec.cacheSeconds} ${spec.cooldownSeconds}`;
  }

  get(spec: RemoteKeySetSpec): RemoteKeySet {
    const key = JwksRegistry.keyOf(spec);
    let set = this.sets.get(key);
    if (!set) {
      set = new RemoteKeySet(spec.url, { cacheMs: spec.cacheSeconds * 1000, cooldownMs: spec.cooldownSeconds * 1000 });
      this.sets.set(key, set);
    }
    return set;
  }

  /** Forgets sets no credential uses any more. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.sets.keys()) if (!keys.has(key)) this.sets.delete(key);
  }
}
