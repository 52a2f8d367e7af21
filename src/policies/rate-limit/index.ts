/**
 * rate_limit: at most `limit` requests per sliding window, counted per
 * application, credential, client IP or header value. Counts live in the
 * shared counter store (in-process or Redis), keyed by this policy's id, so
 * they survive snapshot swaps and, with Redis, are exact across nodes.
 * Instances at several scopes all apply (combine: stack).
 */
import type { CounterStore, HitResult } from "../../counters/counter-store.ts";
import { WaygateError } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { PolicyBuildContext, PolicyKind } from "../kind.ts";
import type { Policy, PolicyVerdict } from "../policy.ts";
import { RateLimitConfig, windowLabel, windowMs } from "./config.ts";
import { retryAfterSeconds, setRateLimitHeaders } from "./headers.ts";
import { subjectOf } from "./subject.ts";

export function buildRateLimit(config: RateLimitConfig, build: PolicyBuildContext): Policy {
  const store: CounterStore | undefined = build.services.counters;
  if (!store) throw new WaygateError("internal_error", `rate_limit policy "${build.name}" needs a counter store, and the gateway provided none`);
  const counters: CounterStore = store;
  const window = windowMs(config);
  const prefix = `${build.id}:${window}:`;
  const refusal = `rate limit of ${config.limit} requests per ${windowLabel(config)} exceeded`;
  // Hit results wait here for onResponse; weak, so a request that never gets a response leaves nothing behind.
  const hits = new WeakMap<RequestContext, HitResult>();

  async function onRequest(ctx: RequestContext): Promise<PolicyVerdict> {
    let hit: HitResult;
    try {
      hit = await counters.hit(prefix + subjectOf(ctx, config), window, config.limit);
    } catch {
      if (config.fault_tolerant) return undefined;
      return new WaygateError("internal_error", "the rate-limit counter store is unavailable", { status: 503 });
    }
    hits.set(ctx, hit);
    if (hit.allowed) return undefined;
    return new WaygateError("rate_limited", refusal, { retryAfter: retryAfterSeconds(hit) });
  }

  return {
    name: `rate_limit:${build.name}`,
    onRequest,
    onResponse(ctx, headers) {
      const hit = hits.get(ctx);
      if (hit) setRateLimitHeaders(headers, config.limit, hit);
    },
  };
}

export const kind: PolicyKind<typeof RateLimitConfig> = {
  kind: "rate_limit",
  description: "Limits requests per second, minute, hour or day (sliding window) per application, credential, client IP or header; 429 with Retry-After and RateLimit-* headers.",
  schema: RateLimitConfig,
  combine: "stack",
  build: buildRateLimit,
};
