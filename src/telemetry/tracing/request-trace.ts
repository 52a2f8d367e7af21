/**
 * The trace of one request through the gateway: its place in the caller's
 * trace (or a new trace), the gateway's own span, and one child span per
 * upstream or provider attempt, whose id is the parent id the upstream
 * sees. Spans are plain data; exporting them is the exporter's business,
 * after the call has finished.
 */
import type { AttemptOutcome } from "../../upstream/types.ts";
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from "./traceparent.ts";

const SAMPLED = 0x01;

export type AttributeValue = string | number | boolean;

export interface AttemptSpan {
  spanId: string;
  name: string;
  /** Epoch ms with sub-millisecond precision. */
  start: number;
  end: number;
  attributes: Record<string, AttributeValue>;
  error: string | null;
}

export class RequestTrace {
  readonly traceId: string;
  /** The gateway's span for the whole request. */
  readonly spanId: string;
  /** The caller's span, when it sent a valid traceparent. */
  readonly parentSpanId: string | null;
  readonly flags: number;
  /** Epoch ms (sub-millisecond, the same clock as the attempt spans) when the request arrived. */
  readonly start = epochNow();
  readonly attempts: AttemptSpan[] = [];

  constructor(incoming: string | null) {
    const parent = parseTraceparent(incoming);
    this.traceId = parent?.traceId ?? newTraceId();
    this.parentSpanId = parent?.parentId ?? null;
    // A trace the gateway starts is sampled; a caller's keeps the caller's decision.
    this.flags = parent ? parent.flags : SAMPLED;
    this.spanId = newSpanId();
  }

  get sampled(): boolean {
    return (this.flags & SAMPLED) !== 0;
  }

  /** The caller's trace was continued (its tracestate, if any, belongs to it). */
  get continued(): boolean {
    return this.parentSpanId !== null;
  }

  /** Starts an attempt span and sets the upstream's traceparent (and drops a tracestate that has no valid parent). */
  beginAttempt(name: string, headers: Headers, attributes: Record<string, AttributeValue>): AttemptSpan {
    const span: AttemptSpan = { spanId: newSpanId(), name, start: epochNow(), end: 0, attributes, error: null };
    headers.set("traceparent", formatTraceparent(this.traceId, span.spanId, this.flags));
    if (!this.continued) headers.delete("tracestate");
    this.attempts.push(span);
    return span;
  }
}

export function endAttempt(span: AttemptSpan, attributes: Record<string, AttributeValue>, error: string | null): void {
  span.end = epochNow();
  Object.assign(span.attributes, attributes);
  span.error = error;
}

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** How an attempt ended, as the span records it. */
export type AttemptEndKind =
  | { kind: "response"; status: number }
  | { kind: "connect_failure" | "timeout" | "reset"; message: string }
  | { kind: "cancelled" | "too_large" };

export function endAttemptSpan(span: AttemptSpan | undefined, outcome: AttemptEndKind): void {
  if (!span) return;
  if (outcome.kind === "response") {
    endAttempt(span, { "http.response.status_code": outcome.status }, outcome.status >= 400 ? `status ${outcome.status}` : null);
  } else endAttempt(span, { "waygate.attempt.outcome": outcome.kind }, "message" in outcome ? `${outcome.kind}: ${outcome.message}` : outcome.kind);
}

/** An upstream attempt's outcome in span terms. */
export function spanOutcome(o: AttemptOutcome): AttemptEndKind {
  return o.kind === "response" ? { kind: "response", status: o.status } : o.kind === "cancelled" ? { kind: "cancelled" } : { kind: o.kind, message: o.message };
}

/** A target URL fit for a span: no user info, no query (either may hold a credential). */
export function spanUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return "";
  }
}
