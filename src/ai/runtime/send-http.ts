/**
 * The provider-neutral half of one attempt: send the adapter's request with
 * the same attempt machinery as REST traffic (connect check, time to first
 * byte, client abort), and turn transport failures and error statuses into
 * ProviderErrors — reporting to the key's pool and cooling the key down as
 * the failure says. Chat and embeddings both go through here.
 */
import type { TimeoutsConfig } from "../../config/entities.ts";
import { runAttempt } from "../../gateway/attempt.ts";
import { markReachable } from "../../gateway/connect-check.ts";
import { type RequestTrace, endAttemptSpan, spanOutcome } from "../../telemetry/tracing/request-trace.ts";
import type { TargetRuntime } from "../../upstream/target.ts";
import type { HttpRequest } from "../provider.ts";
import type { ProviderError } from "../types.ts";
import type { ProviderRuntime } from "./provider-runtime.ts";

export type HttpAnswer =
  /** A 2xx answer with a body; not yet reported to the pool (streams and JSON report differently). */
  | { ok: true; response: Response; ttfbMs: number; abort: AbortController }
  | { ok: false; error: ProviderError };

const TRANSPORT_KINDS = { connect_failure: "connect", timeout: "timeout", reset: "reset" } as const;

export async function sendHttp(
  provider: ProviderRuntime,
  target: TargetRuntime,
  build: () => Promise<HttpRequest>,
  timeouts: TimeoutsConfig,
  signal: AbortSignal,
  /** The request's trace: each attempt becomes a span of it, and the provider gets its traceparent. */
  trace?: RequestTrace,
): Promise<HttpAnswer> {
  let http: HttpRequest;
  try {
    http = await build();
  } catch (err) {
    // The adapter cannot express this request for this provider (e.g. a URL image on Bedrock).
    provider.pool.report(target, { kind: "cancelled", durationMs: 0 });
    return { ok: false, error: { kind: "invalid_request", status: 400, message: err instanceof Error ? err.message : String(err) } };
  }
  const url = new URL(http.url);
  const origin = url.origin;
  const headers = new Headers(http.headers);
  // The URL stays out of the span: some providers carry the key in its query.
  const span = trace?.beginAttempt(`${http.method} ${provider.name}`, headers, { "gen_ai.system": provider.name, "server.address": url.hostname });
  const res = await runAttempt({ url: http.url, origin, method: http.method, headers, body: http.body ?? null, timeouts, signal });
  endAttemptSpan(span, res.ok ? { kind: "response", status: res.response.status } : spanOutcome(res.outcome));
  if (!res.ok) {
    provider.pool.report(target, res.outcome);
    if (res.outcome.kind === "cancelled") return { ok: false, error: { kind: "reset", status: 499, message: "client closed request" } };
    return { ok: false, error: { kind: TRANSPORT_KINDS[res.outcome.kind], status: 0, message: res.outcome.message } };
  }
  markReachable(origin);
  const response = res.response;
  if (response.status >= 400 || !response.body) {
    const text = await response.text().catch(() => "");
    provider.pool.report(target, { kind: "response", status: response.status, durationMs: res.ttfbMs });
    const error = provider.adapter.error(response.status, text, response.headers);
    provider.onError(target, error);
    return { ok: false, error };
  }
  return { ok: true, response, ttfbMs: res.ttfbMs, abort: res.abort };
}

/** Reads a whole JSON answer, reports the attempt, and maps it with the adapter's parser. */
export async function readJsonAnswer<T>(
  provider: ProviderRuntime,
  target: TargetRuntime,
  answer: Extract<HttpAnswer, { ok: true }>,
  parse: (body: unknown) => T,
): Promise<{ ok: true; value: T; ttfbMs: number } | { ok: false; error: ProviderError }> {
  const { response, ttfbMs } = answer;
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch (err) {
    provider.pool.report(target, { kind: "reset", durationMs: ttfbMs, message: "unreadable response body" });
    return { ok: false, error: { kind: "reset", status: response.status, message: `unreadable response body: ${String(err)}` } };
  }
  provider.pool.report(target, { kind: "response", status: response.status, durationMs: ttfbMs });
  provider.onSuccess(target);
  try {
    return { ok: true, value: parse(body), ttfbMs };
  } catch (err) {
    return { ok: false, error: { kind: "server", status: 502, message: `provider answer not understood: ${err instanceof Error ? err.message : String(err)}` } };
  }
}
