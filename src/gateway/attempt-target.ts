/**
 * One attempt against one chosen target, wired into the target's resilience
 * state: in-flight accounting, the outcome report (breaker, outlier
 * detection, latency), and — for a response — a relay that streams the body
 * to the client and completes the call record when the body ends.
 */
import { WaygateError, errorResponse } from "../core/errors.ts";
import type { Policy } from "../policies/policy.ts";
import type { TargetRuntime } from "../upstream/target.ts";
import type { AttemptOutcome } from "../upstream/types.ts";
import type { UpstreamRuntime } from "../upstream/upstream-runtime.ts";
import { runAttempt } from "./attempt.ts";
import { markReachable } from "./connect-check.ts";
import type { RequestContext } from "./context.ts";
import { stripHopByHop } from "./headers.ts";
import type { ProxyHooks } from "./proxy.ts";
import type { PreparedBody } from "./request-body.ts";
import { relayBody } from "./response-body.ts";
import { type CappedRead, REWRITE_MAX_BYTES, bodyRewriters, contentCoding, decodeBody, readCapped, rewritable } from "./response-rewrite.ts";
import { targetParts } from "./target-url.ts";

export interface AttemptInput {
  ctx: RequestContext;
  upstream: UpstreamRuntime;
  target: TargetRuntime;
  path: string;
  headers: Headers;
  body: PreparedBody;
  deadlineStart: number;
  hooks: ProxyHooks;
}

export type AttemptEnd =
  | { kind: "cancelled" }
  | { kind: "too_large" }
  | { kind: "failed"; outcome: AttemptOutcome; error: WaygateError; retryAfter: null; discard?: undefined }
  | {
      kind: "response";
      outcome: AttemptOutcome;
      error: WaygateError;
      retryAfter: string | null;
      /** Sends this response to the client; the attempt's final answer. */
      relay(): Response | Promise<Response>;
      /** Drops this response (a retry follows). */
      discard(): void;
    };

/** Bodies up to this size with a Content-Length are read whole before relaying. */
export const SMALL_BODY_BYTES = 64 * 1024;

function isSmall(r: Response): boolean {
  const len = r.headers.get("content-length");
  if (len === null) return false;
  const n = Number(len);
  return Number.isInteger(n) && n >= 0 && n <= SMALL_BODY_BYTES;
}

const FAILURE_CODES = { connect_failure: "upstream_connect_failed", timeout: "upstream_timeout", reset: "upstream_reset" } as const;

export async function attemptTarget(a: AttemptInput): Promise<AttemptEnd> {
  const { ctx, upstream, target } = a;
  const timeouts = upstream.upstream.timeouts;
  const remaining = Math.max(1, timeouts.total_ms - (performance.now() - a.deadlineStart));
  const { base, origin } = targetParts(target.url);
  const res = await runAttempt({
    url: base + a.path + ctx.query,
    origin,
    method: ctx.method,
    headers: a.headers,
    body: a.body.body,
    timeouts: { ...timeouts, ttfb_ms: Math.min(timeouts.ttfb_ms, remaining) },
    signal: ctx.req.signal,
  });
  if (!res.ok) {
    ctx.upstreamMs += res.outcome.durationMs;
    // A request body cut off for its size is the client's fault; the target is not judged on it.
    if (a.body.overLimit()) {
      upstream.report(target, { kind: "cancelled", durationMs: res.outcome.durationMs });
      return { kind: "too_large" };
    }
    upstream.report(target, res.outcome);
    if (res.outcome.kind === "cancelled") return { kind: "cancelled" };
    return {
      kind: "failed",
      outcome: res.outcome,
      error: new WaygateError(FAILURE_CODES[res.outcome.kind], `${res.outcome.message} (${target.url})`),
      retryAfter: null,
    };
  }

  ctx.upstreamMs += res.ttfbMs;
  markReachable(origin);
  const upstreamRes = res.response;
  const outcome: AttemptOutcome = { kind: "response", status: upstreamRes.status, durationMs: res.ttfbMs };
  // report() ends the in-flight count select() began; this one holds the target busy until the body ends.
  target.begin();
  upstream.report(target, outcome);
  ctx.record.upstream_ttfb_ms = res.ttfbMs;

  let settled = false;
  const settle = () => {
    if (settled) return false;
    settled = true;
    target.end();
    return true;
  };

  const relay = (): Response | Promise<Response> => {
    ctx.record.status = upstreamRes.status;
    const outHeaders = stripHopByHop(upstreamRes.headers);
    outHeaders.set("x-request-id", ctx.requestId);
    a.hooks.decorate(ctx, outHeaders);
    const bodyStart = performance.now();
    const finish = (bytes: number, code: string | null) => {
      if (!settle()) return;
      ctx.record.response_bytes = bytes;
      ctx.record.request_bytes = a.body.bytes();
      if (code) ctx.record.error_code = code;
      ctx.upstreamMs += performance.now() - bodyStart;
      a.hooks.finish(ctx);
    };
    const init = { status: upstreamRes.status, statusText: upstreamRes.statusText, headers: outHeaders };
    if (ctx.method === "HEAD") {
      finish(0, null);
      return new Response(null, init);
    }
    // Only chains with a body-rewriting policy pay for this check; everyone else streams as before.
    const rewriters = bodyRewriters(ctx.policies);
    if (rewriters && rewritable(upstreamRes.status, upstreamRes.headers)) return relayRewritten(upstreamRes, init, finish, rewriters);
    // Checked before touching .body: materialising the body stream would cost the small path its speed.
    if (isSmall(upstreamRes)) return relaySmall(upstreamRes, init, finish);
    return relayStream(upstreamRes.body, init, finish);
  };

  const relayStream = (body: ReadableStream<Uint8Array> | null, init: ResponseInit, finish: (bytes: number, code: string | null) => void): Response => {
    if (!body) {
      finish(0, null);
      return new Response(null, init);
    }
    const stream = relayBody(body, {
      idleMs: timeouts.idle_ms,
      deadline: a.deadlineStart + timeouts.total_ms,
      abort: res.abort,
      onEnd(end) {
        if (end.kind === "complete") return finish(end.bytes, null);
        if (end.kind === "client_cancelled") return finish(end.bytes, "client_closed_request");
        const failed = end.kind === "upstream_error" ? "reset" : "timeout";
        target.begin(); // report() uncounts one in-flight request; this one was already uncounted at the headers
        upstream.report(target, { kind: failed, durationMs: performance.now() - a.deadlineStart, message: end.message });
        finish(end.bytes, failed === "reset" ? "upstream_reset" : "upstream_timeout");
      },
    });
    return new Response(stream, init);
  };

  /**
   * A body policies rewrite (masking) is read whole, up to REWRITE_MAX_BYTES
   * (compressed bodies are decoded first, to at most that much), and handed
   * to each rewriting policy in chain order; the client gets the result
   * uncompressed with its own Content-Length. A body that turns out larger
   * streams on untouched, starting with what was already read.
   */
  const relayRewritten = async (r: Response, init: ResponseInit & { headers: Headers }, finish: (bytes: number, code: string | null) => void, rewriters: readonly Policy[]): Promise<Response> => {
    if (!r.body) {
      finish(0, null);
      return new Response(null, init);
    }
    const deadline = a.deadlineStart + timeouts.total_ms;
    let timer: Timer | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => res.abort.abort(), Math.max(1, Math.min(timeouts.idle_ms, deadline - performance.now())));
    };
    arm();
    let read: CappedRead;
    try {
      read = await readCapped(r.body, REWRITE_MAX_BYTES, arm);
    } catch (err) {
      clearTimeout(timer);
      return bodyFailed(err, finish);
    }
    clearTimeout(timer);
    if (read.kind === "over") return relayStream(read.stream, init, finish);
    const coding = contentCoding(r.headers);
    const plain = coding === undefined ? read.body : decodeBody(read.body, coding, REWRITE_MAX_BYTES);
    // Not decodable within the cap: relayed exactly as it came, like any body over the cap.
    if (plain === undefined) {
      finish(read.body.byteLength, null);
      return new Response(read.body, init);
    }
    const contentType = r.headers.get("content-type") ?? "";
    let body = plain;
    try {
      for (const p of rewriters) body = p.onResponseBody!(ctx, body, contentType);
    } catch (err) {
      // A rewriter that fails must not let the unrewritten body through: it may be exactly what it was to mask.
      console.error(`[waygate] request ${ctx.requestId}: a response body policy failed:`, err);
      ctx.record.status = 500;
      finish(0, "internal_error");
      return errorResponse(new WaygateError("internal_error", "a response policy failed"), ctx.requestId);
    }
    if (body === plain) {
      // Untouched: the upstream's own bytes, in their own coding.
      finish(read.body.byteLength, null);
      return new Response(read.body, init);
    }
    // Rewritten bodies go out uncompressed, with their own length.
    init.headers.delete("content-encoding");
    init.headers.set("content-length", String(body.byteLength));
    // Validators and digests described the upstream's bytes, not these.
    for (const h of ["etag", "content-md5", "digest", "content-digest", "repr-digest"]) init.headers.delete(h);
    finish(body.byteLength, null);
    return new Response(body, init);
  };

  /** A body that stalled or broke off while being read whole: the target is judged, the client gets a coded error. */
  const bodyFailed = (err: unknown, finish: (bytes: number, code: string | null) => void): Response => {
    const timedOut = res.abort.signal.aborted && !ctx.req.signal.aborted;
    const message = err instanceof Error ? err.message : String(err);
    target.begin(); // report() uncounts one in-flight request; this one was already uncounted at the headers
    upstream.report(target, { kind: timedOut ? "timeout" : "reset", durationMs: performance.now() - a.deadlineStart, message });
    const code = timedOut ? "upstream_timeout" : "upstream_reset";
    const failed = errorResponse(new WaygateError(code, `the upstream response body ${timedOut ? "stalled" : "broke off"} (${target.url})`), ctx.requestId);
    ctx.record.status = failed.status;
    finish(0, code);
    return failed;
  };

  /**
   * A small body of known length is read whole, as nginx's proxy buffers do:
   * no per-chunk work, and the exchange is complete (and accounted) before
   * the client sees the first byte. Larger or unsized bodies stream.
   */
  const relaySmall = async (r: Response, init: ResponseInit, finish: (bytes: number, code: string | null) => void): Promise<Response> => {
    const deadline = a.deadlineStart + timeouts.total_ms;
    const timer = setTimeout(() => res.abort.abort(), Math.max(1, Math.min(timeouts.idle_ms, deadline - performance.now())));
    try {
      const buf = await r.arrayBuffer();
      clearTimeout(timer);
      finish(buf.byteLength, null);
      return new Response(buf, init);
    } catch (err) {
      clearTimeout(timer);
      return bodyFailed(err, finish);
    }
  };

  return {
    kind: "response",
    outcome,
    // Built only when needed: an Error captures a stack trace, too costly for every response.
    get error() {
      return new WaygateError("upstream_error", `upstream answered ${upstreamRes.status} (${target.url})`, {
        status: upstreamRes.status >= 500 ? upstreamRes.status : 502,
      });
    },
    retryAfter: upstreamRes.headers.get("retry-after"),
    relay,
    discard() {
      if (!settle()) return;
      res.abort.abort();
      void upstreamRes.body?.cancel().catch(() => {});
    },
  };
}
