/**
 * Transport-level faults, the same for every provider:
 * - resetResponse(): a body stream that errors before its first byte; Bun
 *   then closes the socket without sending headers, so a fetch client sees a
 *   dropped connection (ECONNRESET), not an HTTP status.
 * - hangUntilAbort(req): never answers; settles only when the client goes away.
 * - applyTransportFault(fault, req): handles timeout, reset and the initial
 *   latency; returns a Response to send as-is, or undefined to carry on.
 *   The provider-specific faults (status, context_length, content_filter)
 *   and midstream are left to the handler.
 * - streamTiming(fault): the per-event delay and the cut point for streams.
 */
import type { MockFault } from "../types.ts";

export function resetResponse(): Response {
  // Erroring with undefined keeps Bun from logging the error.
  return new Response(new ReadableStream({ start: (c) => c.error(undefined) }));
}

export function hangUntilAbort(req: Request): Promise<Response> {
  return new Promise((resolve) => {
    const done = () => resolve(new Response(null, { status: 499 }));
    if (req.signal.aborted) return done();
    req.signal.addEventListener("abort", done, { once: true });
  });
}

/** Resolves after `ms`, or early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export async function applyTransportFault(fault: MockFault | undefined, req: Request): Promise<Response | undefined> {
  if (!fault) return undefined;
  if (fault.kind === "timeout") return hangUntilAbort(req);
  if (fault.kind === "reset") return resetResponse();
  if (fault.kind === "latency") await sleep(fault.ms, req.signal);
  return undefined;
}

export interface StreamTiming {
  perEventMs: number;
  /** Cut the connection after this many events. */
  cutAfter?: number;
}

export function streamTiming(fault: MockFault | undefined): StreamTiming {
  if (fault?.kind === "latency") return { perEventMs: fault.perEventMs ?? 0 };
  if (fault?.kind === "midstream") return { perEventMs: 0, cutAfter: fault.afterEvents };
  return { perEventMs: 0 };
}
