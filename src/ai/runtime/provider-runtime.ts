/**
 * A provider at run time: its adapter, its endpoint, and its credential pool.
 * The pool is an ordinary UpstreamRuntime whose targets are the provider's
 * keys, so keys get the same weighted balancing, breaker, outlier ejection
 * and self-recovery as REST targets, plus cooldowns: a key answered 429 rests
 * for its Retry-After, a key answered 401/403 is parked and tried again later.
 */
import type { Provider } from "../../config/ai-entities.ts";
import { UpstreamInput, type Upstream } from "../../config/entities.ts";
import type { Clock } from "../../core/clock.ts";
import type { SecretBox } from "../../core/secrets.ts";
import type { TargetRuntime } from "../../upstream/target.ts";
import type { TargetRegistry } from "../../upstream/registry.ts";
import { UpstreamRuntime } from "../../upstream/upstream-runtime.ts";
import type { ProviderAdapter, ProviderCredential, ProviderEndpoint } from "../provider.ts";
import { adapterFor } from "../providers/registry.ts";
import type { ProviderError } from "../types.ts";

/** Default Retry-After when a provider rate-limits without saying for how long. */
const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 10_000;

export class ProviderRuntime {
  readonly adapter: ProviderAdapter;
  readonly pool: UpstreamRuntime;
  /** Without a trailing slash. */
  readonly baseUrl: string;
  private readonly credentials = new Map<string, ProviderCredential>();
  /** Consecutive auth failures per key, for exponential parking. */
  private readonly authStrikes = new Map<string, number>();
  /** Until when each key rests after a 429. */
  private readonly rateLimitedUntil = new Map<string, number>();

  constructor(
    readonly provider: Provider,
    registry: TargetRegistry,
    private readonly clock: Clock,
    secrets: SecretBox | undefined,
  ) {
    this.adapter = adapterFor(provider.kind);
    const base = (provider.base_url ?? this.adapter.defaultBaseUrl).replace(/\/+$/, "");
    const keys = provider.keys.filter((k) => k.enabled);
    // A provider without keys (Ollama, vLLM) still needs one target to balance on.
    const pool = keys.length > 0 ? keys.map((k) => ({ name: k.name, weight: k.weight })) : [{ name: "default", weight: 100 }];
    const upstream: Upstream = {
      ...UpstreamInput.parse({
        name: `provider-${provider.name}`,
        targets: pool.map((k) => ({ url: `${base}#${encodeURIComponent(k.name)}`, weight: k.weight })),
        outlier_detection: provider.outlier_detection,
        circuit_breaker: provider.circuit_breaker,
        timeouts: provider.timeouts,
      }),
      id: `provider:${provider.id}`,
      created_at: provider.created_at,
      updated_at: provider.updated_at,
    };
    this.pool = new UpstreamRuntime(upstream, registry, clock);
    for (const t of this.pool.targets) {
      const name = decodeURIComponent(t.url.slice(t.url.indexOf("#") + 1));
      const key = keys.find((k) => k.name === name);
      this.credentials.set(t.key, key ? decryptCredential(key, secrets) : { kind: "none" });
    }
    this.baseUrl = base;
  }

  get name(): string {
    return this.provider.name;
  }

  endpoint(model: string): ProviderEndpoint {
    const p = this.provider;
    return {
      kind: p.kind,
      baseUrl: this.baseUrl,
      apiVersion: p.api_version,
      region: p.region,
      project: p.project,
      deployment: p.deployments[model] ?? model,
      headers: p.headers,
    };
  }

  credential(target: TargetRuntime): ProviderCredential {
    return this.credentials.get(target.key) ?? { kind: "none" };
  }

  /** Does this provider serve the model? (An empty model list means: whatever is asked.) */
  serves(model: string): boolean {
    return this.provider.models.length === 0 || this.provider.models.includes(model);
  }

  /** Applies the credential consequences of a provider error. */
  onError(target: TargetRuntime, error: ProviderError): void {
    const now = this.clock.now();
    if (error.kind === "rate_limited") {
      const until = now + (error.retryAfterMs ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS);
      this.rateLimitedUntil.set(target.key, Math.max(until, this.rateLimitedUntil.get(target.key) ?? 0));
      target.coolDown(until, `rate limited: ${error.message}`);
    } else if (error.kind === "auth") {
      const strikes = (this.authStrikes.get(target.key) ?? 0) + 1;
      this.authStrikes.set(target.key, strikes);
      const park = Math.min(this.provider.auth_failure_park_ms * 2 ** (strikes - 1), 24 * 3_600_000);
      target.coolDown(now + park, `credential rejected (${error.status}): ${error.message}`);
    }
  }

  /** Is every key resting after a 429? (Then "no key available" is a rate limit, not an outage.) */
  rateLimited(now = this.clock.now()): boolean {
    return this.pool.targets.length > 0 && this.pool.targets.every((t) => (this.rateLimitedUntil.get(t.key) ?? 0) > now);
  }

  onSuccess(target: TargetRuntime): void {
    this.authStrikes.delete(target.key);
  }
}

function decryptCredential(key: Provider["keys"][number], secrets: SecretBox | undefined): ProviderCredential {
  if (!key.secret_enc) return { kind: "none" };
  if (!secrets) throw new Error(`provider key ${key.name} is encrypted but no master key is loaded`);
  const secret = secrets.decrypt(key.secret_enc);
  if (key.access_key_id) {
    return {
      kind: "aws",
      accessKeyId: key.access_key_id,
      secretAccessKey: secret,
      sessionToken: key.session_token_enc ? secrets.decrypt(key.session_token_enc) : undefined,
    };
  }
  return { kind: "api_key", key: secret };
}
