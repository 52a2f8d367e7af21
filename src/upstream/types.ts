/**
 * The contract between the data plane (gateway/proxy) and the resilience
 * machinery of an upstream: selection of a target for each attempt, and the
 * report of how that attempt went.
 */

/** How one attempt against a target ended, as seen by the proxy. */
export type AttemptOutcome =
  /** Response headers received; `status` is the upstream status. */
  | { kind: "response"; status: number; durationMs: number }
  /** TCP/TLS connection could not be established (refused, unreachable, DNS). */
  | { kind: "connect_failure"; durationMs: number; message: string }
  /** No response headers within the time-to-first-byte / connect timeout. */
  | { kind: "timeout"; durationMs: number; message: string }
  /** Connection reset or closed before or while the response arrived. */
  | { kind: "reset"; durationMs: number; message: string }
  /** The client went away; says nothing about the target's health. */
  | { kind: "cancelled"; durationMs: number };

export type HealthState = "healthy" | "unhealthy";
export type BreakerState = "closed" | "open" | "half_open";

/** What the admin API shows for each target. */
export interface TargetHealthView {
  upstream_id: string;
  url: string;
  weight: number;
  priority: number;
  /** Overall: eligible for traffic right now? */
  available: boolean;
  active_health: {
    enabled: boolean;
    state: HealthState;
    consecutive_successes: number;
    consecutive_failures: number;
    last_check_at: string | null;
    next_check_at: string | null;
    last_error: string | null;
  };
  outlier: {
    ejected: boolean;
    ejected_until: string | null;
    ejection_count: number;
    consecutive_failures: number;
    consecutive_gateway_errors: number;
  };
  breaker: {
    state: BreakerState;
    failure_rate_percent: number;
    calls_in_window: number;
    /** When an open breaker lets its first half-open probe through. */
    next_attempt_at: string | null;
  };
  /** A credential taken out of rotation (429 Retry-After, 401 parking) until the given time. */
  cooldown: { until: string; reason: string } | null;
  inflight: number;
  latency_ewma_ms: number;
  last_error: string | null;
}

/** The result of asking an upstream for a target for the next attempt. */
export type Selection<T> =
  | { ok: true; target: T; panic: boolean }
  | {
      ok: false;
      /** Milliseconds until the soonest target is expected to be usable again (for Retry-After). */
      retryAfterMs: number;
      /** True when targets exist but all were already tried by this request. */
      exhausted: boolean;
    };
