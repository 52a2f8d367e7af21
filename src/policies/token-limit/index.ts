/**
 * token_limit: at most `limit` tokens of AI traffic per calendar minute,
 * hour, day or month (UTC), counted per application, credential, team,
 * client IP or header value. A call's tokens are known only once it ends,
 * so the check and the count are two steps: before a call, a subject whose
 * window is used up is refused (429 token_quota_exceeded, Retry-After until
 * the window ends); after it, the `ai.consumed` hook adds what it used. One
 * admitted call may therefore overshoot the limit; the calls after it are
 * refused until the window ends. Counts live in the shared counter store,
 * so they survive snapshot swaps and, with Redis, are exact across nodes.
 */
import type { CounterStore } from "../../counters/counter-store.ts";
import { WaygateError } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { PolicyBuildContext, PolicyKind } from "../kind.ts";
import type { AiConsumption, Policy, PolicyVerdict } from "../policy.ts";
import { calendarWindow, counterTtlMs, isoSeconds, secondsLeft, wallClock } from "../quota/calendar.ts";
import { mayConsume } from "../quota/consuming.ts";
import { refusalResponse } from "../../gateway/refusal.ts";
import { quotaSubject } from "../quota/subject.ts";
import { TokenLimitConfig, countedTokens } from "./config.ts";
import { type TokenQuotaView, setTokenQuotaHeaders } from "./headers.ts";

export function buildTokenLimit(config: TokenLimitConfig, build: PolicyBuildContext): Policy {
  const store: CounterStore | undefined = build.services.counters;
  if (!store) throw new WaygateError("internal_error", `token_limit policy "${build.name}" needs a counter store, and the gateway provided none`);
  const counters: CounterStore = store;
  const clock = build.services.clock ?? wallClock;
  const name = `token_limit:${build.name}`;
  const counted = config.tokens === "total" ? "tokens" : `${config.tokens} tokens`;
  // Views wait here for onResponse; weak, so a request that never gets a response leaves nothing behind.
  const views = new WeakMap<RequestContext, TokenQuotaView>();

  const counterKey = (ctx: RequestContext, windowId: string) => `tl:${build.id}:${windowId}:${quotaSubject(ctx, config.key, config.header).id}`;

  async function onRequest(ctx: RequestContext): Promise<PolicyVerdict> {
    if (!mayConsume(ctx)) return undefined;
    const now = clock.now();
    const window = calendarWindow(now, config.window);
    let used: number;
    try {
      used = await counters.get(counterKey(ctx, window.id));
    } catch {
      if (config.fault_tolerant) return undefined;
      return new WaygateError("internal_error", "the token quota counter store is unavailable", { status: 503 });
    }
    const view = { limit: config.limit, used, resetSeconds: secondsLeft(window, now) };
    views.set(ctx, view);
    if (used < config.limit) return undefined;
    const message = `token quota of ${config.limit} ${counted} per ${config.window} is used up (${used} used); it resets at ${isoSeconds(window.endMs)}`;
    const headers = new Headers();
    setTokenQuotaHeaders(headers, view);
    return refusalResponse(ctx, new WaygateError("token_quota_exceeded", message, { retryAfter: view.resetSeconds }), headers);
  }

  function consumed(ctx: RequestContext, consumption: AiConsumption): void {
    const tokens = countedTokens(consumption.usage, config.tokens);
    if (tokens === 0) return;
    const now = clock.now();
    const window = calendarWindow(now, config.window);
    counters.add(counterKey(ctx, window.id), tokens, counterTtlMs(window, now)).catch((err: unknown) => {
      console.error(`[waygate] policy ${name}: could not count ${tokens} tokens:`, err instanceof Error ? err.message : err);
    });
  }

  return {
    name,
    onRequest,
    onResponse(ctx, headers) {
      const view = views.get(ctx);
      if (view) setTokenQuotaHeaders(headers, view);
    },
    ai: { consumed },
  };
}

export const kind: PolicyKind<typeof TokenLimitConfig> = {
  kind: "token_limit",
  description:
    "Limits AI tokens (total, input or output) per calendar minute, hour, day or month (UTC) per application, credential, team, client IP or header; 429 token_quota_exceeded with Retry-After once used up.",
  schema: TokenLimitConfig,
  combine: "stack",
  build: buildTokenLimit,
};
