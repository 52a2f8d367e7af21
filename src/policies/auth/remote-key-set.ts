/**
 * A JWKS URL's keys, cached. jose verifies with the keys (its local JWK set:
 * key selection by kid and algorithm, imported keys cached); this class owns
 * when to fetch them:
 * - once, then again only when the cache time has passed;
 * - on a token with an unknown kid, at most once per cooldown, so made-up
 *   kids cannot make the gateway hammer the issuer;
 * - after a failed fetch, not again for the cooldown (at least a second)
 *   either, and the keys fetched before stay in use meanwhile;
 * - one fetch at a time, shared by every request waiting for it.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/** The key set cannot be fetched and no earlier copy is at hand: not the caller's fault, so not a 401. */
export class KeySetUnavailable extends Error {}

const FETCH_TIMEOUT_MS = 3000;
const MIN_RETRY_AFTER_FAILURE_MS = 1000;

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

export interface RemoteKeySetOptions {
  cacheMs: number;
  cooldownMs: number;
}

async function fetchKeySet(url: string): Promise<LocalKeySet> {
  const res = await fetch(url, {
    headers: { accept: "application/jwk-set+json, application/json" },
    redirect: "manual",
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as JSONWebKeySet;
  return createLocalJWKSet(body);
}

export class RemoteKeySet {
  private local: LocalKeySet | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private failedAt = Number.NEGATIVE_INFINITY;
  private lastError = "";
  private pending: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly opts: RemoteKeySetOptions,
  ) {}

  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (!this.local || Date.now() - this.fetchedAt >= this.opts.cacheMs) await this.refresh();
    const local = this.local;
    if (!local) throw new KeySetUnavailable(this.lastError);
    try {
      return await local(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - this.fetchedAt < this.opts.cooldownMs) throw err;
      const failuresBefore = this.failedAt;
      await this.refresh();
      if (this.failedAt !== failuresBefore) throw new KeySetUnavailable(this.lastError);
      return this.local!(header, token);
    }
  };

  /** Fetches unless a recent failure says to wait; never throws (the caller decides what a missing set means). */
  private async refresh(): Promise<void> {
    if (Date.now() - this.failedAt < Math.max(this.opts.cooldownMs, MIN_RETRY_AFTER_FAILURE_MS)) return;
    this.pending ??= fetchKeySet(this.url)
      .then((local) => {
        this.local = local;
        this.fetchedAt = Date.now();
      })
      .catch((err: unknown) => {
        this.failedAt = Date.now();
        this.lastError = err instanceof Error ? err.message : String(err);
        console.error(`[waygate] JWKS ${this.url} could not be fetched: ${this.lastError}${this.local ? " (keeping the keys fetched before)" : ""}`);
      })
      .finally(() => {
        this.pending = undefined;
      });
    await this.pending;
  }
}
