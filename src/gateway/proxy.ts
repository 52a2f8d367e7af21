/**
 * The attempt loop: pick a target, try it, and on a retriable failure try
 * another target (jittered backoff, retry budget), then the route's fallback
 * services — all only while nothing has been sent to the client. Ends in a
 * streamed upstream response or a coded error.
 */
import { WaygateError, errorResponse } from "../core/errors.ts";
import type { CompiledRoute, CompiledService } from "../snapshot/snapshot.ts";
import { backoffMs, retryDecision } from "../upstream/retry.ts";
import type { AttemptOutcome } from "../upstream/types.ts";
import type { UpstreamRuntime } from "../upstream/upstream-runtime.ts";
import { type AttemptEnd, attemptTarget } from "./attempt-target.ts";
import type { RequestContext } from "./context.ts";
import { addForwardedHeaders, forwardableHeaders } from "./headers.ts";
import { prepareBody } from "./request-body.ts";
import { endAttemptSpan, spanOutcome } from "../telemetry/tracing/request-trace.ts";
import { upstreamPath } from "./upstream-path.ts";
import { targetParts } from "./target-url.ts";

export interface ProxyHooks {
  /** Called exactly once, when the response (including its body) has ended. */
  finish(ctx: RequestContext): void;
  /** Lets policies edit the client-bound headers. */
  decorate(ctx: RequestContext, headers: Headers): void;
}

interface Failure {
  error: WaygateError;
  /** The response of a `static` no_healthy_upstream policy. */
  staticResponse?: Response;
}

const NONE: ReadonlySet<string> = new Set();

const closed = () => new WaygateError("client_closed_request", "client closed the request");

export async function proxyRequest(ctx: RequestContext, route: CompiledRoute, hooks: ProxyHooks): Promise<Response> {
  const svc = route.service.service;
  const mayRetry = route.retry.attempts > 1 || route.fallbacks.length > 0;
  const bodyLimit = Math.min(svc.max_request_body_bytes, ctx.maxRequestBodyBytes ?? Number.POSITIVE_INFINITY);
  const body = await prepareBody(ctx.req, bodyLimit, mayRetry, ctx.body);
  if (body instanceof WaygateError) return fail(ctx, hooks, { error: body });

  const headers = forwardableHeaders(ctx.req.headers, ctx.dropHeaders);
  // A body a policy rewrote has its own length; the client's figure no longer holds.
  if (ctx.body !== undefined) headers.delete("content-length");
  // Header policies' additions; before the gateway's own X-Forwarded-* / X-Request-Id, which they cannot override.
  if (ctx.extraHeaders) for (const [name, value] of ctx.extraHeaders) headers.append(name, value);
  addForwardedHeaders(headers, {
    clientIp: ctx.clientIp,
    proto: ctx.req.url.startsWith("https:") ? "https" : "http",
    host: ctx.host,
    requestId: ctx.requestId,
  });
  const base = { ctx, path: upstreamPath(ctx, route), headers, body, deadlineStart: performance.now(), hooks };

  let failure: Failure | undefined;
  const chain: CompiledService[] = [route.service, ...route.fallbacks];
  for (let i = 0; i < chain.length; i++) {
    const compiled = chain[i]!;
    const lastService = i === chain.length - 1;
    if (i > 0 && !body.replayable) break;
    ctx.record.fallback_path.push(compiled.service.name);
    const upstream = compiled.upstream;
    if (!upstream) {
      failure = { error: new WaygateError("no_healthy_upstream", `service ${compiled.service.name} has no upstream`, { retryAfter: 1 }) };
      continue;
    }
    if (i === 0) compiled.retryBudget.recordRequest();
    else if (!compiled.retryBudget.tryAcquireRetry()) continue;
    const hashKey = hashKeyFor(ctx, upstream);
    const tried = new Set<string>();
    let sel = upstream.select({ hashKey, tried });
    if (!sel.ok) {
      failure = noHealthy(upstream, sel.retryAfterMs, compiled);
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      tried.add(sel.target.key);
      ctx.record.attempts++;
      ctx.record.upstream_id = upstream.upstream.id;
      ctx.record.target = sel.target.url;
      if (sel.panic) ctx.record.panic = true;

      const span = ctx.trace?.beginAttempt(`${ctx.method} ${upstream.upstream.name}`, headers, { "url.full": targetParts(sel.target.url).spanUrl, "waygate.upstream_id": upstream.id });
      const end: AttemptEnd = await attemptTarget({ ...base, upstream, target: sel.target });
      endAttemptSpan(span, end.kind === "response" || end.kind === "failed" ? spanOutcome(end.outcome) : end);
      if (end.kind === "cancelled") return fail(ctx, hooks, { error: closed() });
      if (end.kind === "too_large") {
        return fail(ctx, hooks, { error: new WaygateError("payload_too_large", `request body exceeds the limit of ${bodyLimit} bytes`) });
      }

      const decisionCtx = { method: ctx.method, policy: route.retry, retryAfterHeader: end.retryAfter, bodyReplayable: body.replayable, sentToClient: false };
      const again = retryDecision(end.outcome, { ...decisionCtx, attempt });
      if (again.retry && attempt < route.retry.attempts && compiled.retryBudget.tryAcquireRetry()) {
        const delay = again.delayMs ?? backoffMs(attempt, route.retry, Math.random);
        if (delay > 0) await Bun.sleep(delay);
        if (ctx.req.signal.aborted) {
          end.discard?.();
          return fail(ctx, hooks, { error: closed() });
        }
        // Another target if there is one; the same one again rather than none (a lone
        // target, or a 429 whose Retry-After was just waited out).
        let next = upstream.select({ hashKey, tried });
        if (!next.ok) next = upstream.select({ hashKey, tried: NONE });
        if (next.ok) {
          end.discard?.();
          failure = { error: end.error };
          sel = next;
          continue;
        }
        // Nothing to retry on: this attempt's answer stands (or a fallback service takes over).
      }
      const fallBack = !lastService && body.replayable && isRetriable(end.outcome, decisionCtx);
      if (end.kind === "response" && !fallBack) return end.relay();
      end.discard?.();
      failure = { error: end.error };
      break;
    }
  }
  return fail(ctx, hooks, failure ?? { error: new WaygateError("no_healthy_upstream", "no upstream target could serve the request", { retryAfter: 1 }) });
}

/** Would this outcome be retried if attempts were left? Decides moving on to a fallback service. */
function isRetriable(outcome: AttemptOutcome, ctx: Omit<Parameters<typeof retryDecision>[1], "attempt">): boolean {
  return retryDecision(outcome, { ...ctx, attempt: 1, policy: { ...ctx.policy, attempts: 2, max_retry_after_ms: Number.MAX_SAFE_INTEGER } }).retry;
}

function noHealthy(upstream: UpstreamRuntime, retryAfterMs: number, compiled: CompiledService): Failure {
  const cfg = upstream.upstream.no_healthy_upstream;
  const error = new WaygateError("no_healthy_upstream", `no healthy target in upstream ${upstream.upstream.name} for service ${compiled.service.name}`, {
    retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
  if (cfg.mode !== "static" || !cfg.static_response) return { error };
  const s = cfg.static_response;
  return { error, staticResponse: new Response(s.body, { status: s.status, headers: { ...s.headers, "x-waygate-fallback": "static" } }) };
}

function hashKeyFor(ctx: RequestContext, upstream: UpstreamRuntime): string | undefined {
  const b = upstream.upstream.balancer;
  if (b.algorithm !== "consistent_hash") return undefined;
  if (b.hash_on === "client_ip") return ctx.clientIp;
  if (b.hash_on === "consumer") return ctx.applicationId ?? ctx.clientIp;
  return (b.hash_header && ctx.req.headers.get(b.hash_header)) || undefined;
}

function fail(ctx: RequestContext, hooks: ProxyHooks, failure: Failure): Response {
  const { error } = failure;
  ctx.record.error_code = error.code;
  const res = failure.staticResponse ?? errorResponse(error, ctx.requestId);
  ctx.record.status = res.status;
  res.headers.set("x-request-id", ctx.requestId);
  hooks.decorate(ctx, res.headers);
  hooks.finish(ctx);
  return res;
}
