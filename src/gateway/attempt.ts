/**
 * One attempt of a request against one target: the fetch, its timeouts up to
 * the response headers, and the classification of how it failed. What
 * happens to the body afterwards is ./response-body.ts's business.
 */
import type { TimeoutsConfig } from "../config/entities.ts";
import type { AttemptOutcome } from "../upstream/types.ts";
import { ensureConnectable } from "./connect-check.ts";

export interface AttemptRequest {
  url: string;
  origin: string;
  method: string;
  headers: Headers;
  body: ArrayBuffer | ReadableStream<Uint8Array> | string | null;
  timeouts: TimeoutsConfig;
  /** Aborts when the client goes away or the total deadline passes. */
  signal: AbortSignal;
}

export type AttemptResult =
  | { ok: true; response: Response; ttfbMs: number; abort: AbortController }
  | { ok: false; outcome: Exclude<AttemptOutcome, { kind: "response" }> };

type FailureKind = "connect_failure" | "timeout" | "reset" | "cancelled";

const CONNECT_CODES = new Set([
  "ConnectionRefused",
  "ECONNREFUSED",
  "FailedToOpenSocket",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "DNSResolutionFailed",
  "UnableToConnect",
]);

export function classifyFetchError(err: unknown): Exclude<FailureKind, "cancelled"> {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    if (CONNECT_CODES.has(code)) return "connect_failure";
    if (code === "ETIMEDOUT" || code === "Timeout") return "timeout";
  }
  return "reset";
}

export async function runAttempt(req: AttemptRequest): Promise<AttemptResult> {
  const started = performance.now();
  const abort = new AbortController();
  let timedOut: string | undefined;
  const onOuterAbort = () => abort.abort(req.signal.reason);
  if (req.signal.aborted) return { ok: false, outcome: { kind: "cancelled", durationMs: 0 } };
  req.signal.addEventListener("abort", onOuterAbort, { once: true });

  const fail = (kind: FailureKind, message: string): AttemptResult => {
    const durationMs = performance.now() - started;
    return { ok: false, outcome: kind === "cancelled" ? { kind, durationMs } : { kind, durationMs, message } };
  };

  try {
    const check = ensureConnectable(req.origin, req.timeouts.connect_ms, abort.signal);
    if (check) {
      const connectError = await check;
      if (connectError) return fail(connectError.kind, connectError.message);
      if (req.signal.aborted) return fail("cancelled", "client closed request");
    }

    const ttfbTimer = setTimeout(() => {
      timedOut = `no response headers within ${req.timeouts.ttfb_ms} ms`;
      abort.abort();
    }, req.timeouts.ttfb_ms);
    try {
      const response = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: abort.signal,
        redirect: "manual",
        decompress: false,
        // The socket idle timer must never cut a response shorter than our own timers would.
        timeout: false,
      });
      return { ok: true, response, ttfbMs: performance.now() - started, abort };
    } finally {
      clearTimeout(ttfbTimer);
    }
  } catch (err) {
    if (timedOut) return fail("timeout", timedOut);
    if (req.signal.aborted) return fail("cancelled", "client closed request");
    const kind = classifyFetchError(err);
    return fail(kind, err instanceof Error ? err.message : String(err));
  } finally {
    req.signal.removeEventListener("abort", onOuterAbort);
  }
}
