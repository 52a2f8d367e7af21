/**
 * Runs a chat request down its planned targets: within a target, across the
 * provider's keys (a rate-limited or rejected key hands over to the next at
 * once); across targets, whenever the failure is one the route falls back
 * on. The same unified request is re-translated for every provider tried,
 * so a backup answers the whole conversation, not a fragment of it.
 */
import type { RequestTrace } from "../../telemetry/tracing/request-trace.ts";
import type { TimeoutsConfig } from "../../config/entities.ts";
import type { TargetRuntime } from "../../upstream/target.ts";
import type { ChatRequest, ChatResponse, ProviderError, ProviderErrorKind } from "../types.ts";
import type { ProviderRuntime } from "./provider-runtime.ts";
import type { FallbackTrigger, PlannedTarget } from "./route-plan.ts";
import { withTargetParams } from "./target-params.ts";
import { sendChat, type StartedStream } from "./send.ts";

export interface AttemptLog {
  provider: string;
  model: string;
  /** The key's name, never the secret. */
  key: string;
  result: "ok" | ProviderErrorKind | "no_available_key";
  status: number;
  ms: number;
}

export interface ExecuteDeps {
  provider(name: string): ProviderRuntime | undefined;
  /** Context window of a provider's model, when the catalog knows it. */
  contextWindow(provider: ProviderRuntime, model: string): number | undefined;
  observeLatency(provider: string, model: string, ms: number): void;
}

export type ExecuteResult<T> =
  | { ok: true; provider: ProviderRuntime; target: TargetRuntime; model: string; value: T; attempts: AttemptLog[] }
  | { ok: false; error: ProviderError; attempts: AttemptLog[]; cancelled: boolean };

/** Sends one attempt of the request to one key of one provider, for one planned target. */
export type SendAttempt<T> = (
  provider: ProviderRuntime,
  target: TargetRuntime,
  leaf: PlannedTarget,
  timeouts: TimeoutsConfig,
) => Promise<{ ok: true; value: T; ttfbMs: number } | { ok: false; error: ProviderError }>;

export type ChatOutcome = { response: ChatResponse; request: ChatRequest } | { stream: StartedStream; request: ChatRequest };

/** Chat: the unified request re-translated for each planned target, with its forced params. */
export function executeChat(
  plan: readonly PlannedTarget[],
  request: ChatRequest,
  deps: ExecuteDeps,
  timeouts: (p: ProviderRuntime) => TimeoutsConfig,
  signal: AbortSignal,
  trace?: RequestTrace,
): Promise<ExecuteResult<ChatOutcome>> {
  return executePlan<ChatOutcome>(plan, deps, timeouts, signal, async (provider, target, leaf, t) => {
    const req: ChatRequest = { ...withTargetParams(request, leaf.node.params), model: leaf.node.model };
    const r = await sendChat({ provider, target, request: req, timeouts: t, signal, trace });
    if (!r.ok) return r;
    return { ok: true, ttfbMs: r.ttfbMs, value: "stream" in r ? { stream: r.stream, request: req } : { response: r.response, request: req } };
  });
}

const TRIGGER: Record<ProviderErrorKind, FallbackTrigger | null> = {
  connect: "connect_failure",
  timeout: "timeout",
  reset: "server_error",
  server: "server_error",
  overloaded: "overloaded",
  rate_limited: "rate_limited",
  auth: "auth",
  context_length: "context_length",
  content_filter: "content_filter",
  not_found: "not_found",
  invalid_request: null,
};

/** Failures worth another attempt at the same target (another key or the same one again). */
const RETRY_SAME_TARGET = new Set<ProviderErrorKind>(["connect", "timeout", "reset", "server", "overloaded"]);
/** Failures tied to one key: the next key is tried without spending an attempt. */
const KEY_FAILURES = new Set<ProviderErrorKind>(["rate_limited", "auth"]);

export async function executePlan<T>(
  plan: readonly PlannedTarget[],
  deps: ExecuteDeps,
  timeouts: (p: ProviderRuntime) => TimeoutsConfig,
  signal: AbortSignal,
  send: SendAttempt<T>,
): Promise<ExecuteResult<T>> {
  const attempts: AttemptLog[] = [];
  /** The last failure a provider actually answered (or a transport failure of an attempt). */
  let lastError: ProviderError | undefined;
  /** Why a target could not even be tried, when no attempt failed at all. */
  let unavailable: ProviderError | undefined;
  let soonestRecovery = Number.POSITIVE_INFINITY;
  let exceededWindow: number | undefined;
  const cancelled = (error: ProviderError): ExecuteResult<T> => ({ ok: false, error, attempts, cancelled: true });

  for (const leaf of plan) {
    if (signal.aborted) return cancelled(lastError ?? CLIENT_CLOSED);
    const provider = deps.provider(leaf.node.provider);
    if (!provider || !provider.provider.enabled) {
      unavailable ??= { kind: "not_found", status: 404, message: `provider ${leaf.node.provider} is not configured` };
      continue;
    }
    const model = leaf.node.model;
    if (exceededWindow !== undefined) {
      // A model whose window is no larger than one the prompt already overflowed would fail the same way.
      const window = deps.contextWindow(provider, model);
      if (window !== undefined && window <= exceededWindow) continue;
    }
    const base = timeouts(provider);
    const t = leaf.timeoutMs ? { ...base, ttfb_ms: leaf.timeoutMs } : base;
    const tried = new Set<string>();
    let leafError: ProviderError | undefined;
    let spent = 0;
    while (spent < leaf.attempts) {
      if (signal.aborted) return cancelled(leafError ?? lastError ?? CLIENT_CLOSED);
      let sel = provider.pool.select({ tried });
      if (!sel.ok && spent > 0) {
        // Every key had its turn after a retriable failure and attempts remain:
        // a key still available (not resting after a 429/401) may go again.
        tried.clear();
        sel = provider.pool.select({ tried });
      }
      if (!sel.ok) {
        if (tried.size === 0) {
          soonestRecovery = Math.min(soonestRecovery, sel.retryAfterMs);
          attempts.push({ provider: provider.name, model, key: "", result: "no_available_key", status: 0, ms: 0 });
          unavailable = noKeyError(provider, sel.retryAfterMs, unavailable);
        }
        break;
      }
      tried.add(sel.target.key);
      const started = performance.now();
      const result = await send(provider, sel.target, leaf, t);
      const ms = performance.now() - started;
      const key = decodeURIComponent(sel.target.url.slice(sel.target.url.indexOf("#") + 1));
      if (result.ok) {
        attempts.push({ provider: provider.name, model, key, result: "ok", status: 200, ms });
        deps.observeLatency(provider.name, model, result.ttfbMs);
        return { ok: true, provider, target: sel.target, model, value: result.value, attempts };
      }
      attempts.push({ provider: provider.name, model, key, result: result.error.kind, status: result.error.status, ms });
      if (signal.aborted) return cancelled(result.error);
      leafError = result.error;
      if (KEY_FAILURES.has(result.error.kind)) continue;
      spent++;
      if (!RETRY_SAME_TARGET.has(result.error.kind)) break;
    }
    // A target that could not be tried (no key available) never stops the route: only an answer can.
    if (!leafError) continue;
    lastError = leafError;
    const trigger = TRIGGER[leafError.kind];
    if (trigger === null || !leaf.triggers.has(trigger)) break;
    if (leafError.kind === "context_length") exceededWindow = deps.contextWindow(provider, model) ?? exceededWindow ?? 0;
  }

  const error: ProviderError = { ...(lastError ?? unavailable ?? { kind: "not_found", status: 404, message: "the model has no targets" }) };
  if (Number.isFinite(soonestRecovery) && (error.kind === "overloaded" || error.kind === "rate_limited")) {
    error.retryAfterMs = Math.min(error.retryAfterMs ?? soonestRecovery, soonestRecovery);
  }
  return { ok: false, error, attempts, cancelled: false };
}

const CLIENT_CLOSED: ProviderError = { kind: "reset", status: 499, message: "client closed request" };

/** Every key resting after a 429 is a rate limit, and says so; otherwise the provider is simply unavailable. */
function noKeyError(provider: ProviderRuntime, retryAfterMs: number, previous: ProviderError | undefined): ProviderError {
  // The first provider that had no key names the failure; "not configured" says less than either.
  if (previous && previous.kind !== "not_found") return previous;
  if (provider.rateLimited()) {
    return { kind: "rate_limited", status: 429, message: `every key of provider ${provider.name} is rate limited`, retryAfterMs };
  }
  return { kind: "overloaded", status: 503, message: `no available credential for provider ${provider.name}`, retryAfterMs };
}
