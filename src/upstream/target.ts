/**
 * One target of an upstream with all the state that judges it: in-flight
 * count and latency (for the balancers), circuit breaker, passive outlier
 * detection and active health. It outlives snapshot swaps (see
 * TargetRegistry), so a config reload does not forget that a target is down.
 */
import type { ActiveHealthCheckConfig, CircuitBreakerConfig, OutlierDetectionConfig, Target } from "../config/entities.ts";
import type { Clock } from "../core/clock.ts";
import { ActiveHealthState } from "./active-health.ts";
import type { BalancerTarget } from "./balancer.ts";
import { CircuitBreaker } from "./breaker.ts";
import { PeakEwma } from "./ewma.ts";
import { OutlierDetector } from "./outlier.ts";
import type { TargetEventKind, TargetEventListener } from "./target-events.ts";
import type { AttemptOutcome, TargetHealthView } from "./types.ts";

export interface TargetPolicies {
  health_check: ActiveHealthCheckConfig;
  outlier_detection: OutlierDetectionConfig;
  circuit_breaker: CircuitBreakerConfig;
}

export function targetKey(upstreamId: string, url: string): string {
  return `${upstreamId} ${url}`;
}

export class TargetRuntime implements BalancerTarget {
  readonly key: string;
  readonly url: string;
  weight: number;
  priority: number;
  private inflightCount = 0;
  private readonly ewma = new PeakEwma();
  readonly breaker: CircuitBreaker;
  readonly outlier: OutlierDetector;
  readonly activeHealth: ActiveHealthState;
  lastError: string | null = null;
  /** Set by coolDown(): out of rotation until then (a rate-limited or rejected credential). */
  private cooledUntil: number | null = null;
  private coolReason: string | null = null;

  constructor(
    readonly upstreamId: string,
    spec: Target,
    policies: TargetPolicies,
    private readonly clock: Clock,
    events?: TargetEventListener,
  ) {
    this.key = targetKey(upstreamId, spec.url);
    this.weight = spec.weight;
    this.priority = spec.priority;
    this.breaker = new CircuitBreaker(policies.circuit_breaker, clock);
    this.outlier = new OutlierDetector(policies.outlier_detection, clock);
    this.activeHealth = new ActiveHealthState(policies.health_check);
    this.url = spec.url;
    if (events) this.report(events);
  }

  private report(events: TargetEventListener): void {
    const emit = (kind: TargetEventKind, at: number, detail: Record<string, unknown>) => events({ kind, upstreamId: this.upstreamId, url: this.url, at, detail });
    this.breaker.onTransition = (state, now) => {
      if (state === "open") {
        const { failure_rate_percent, calls_in_window, next_attempt_at } = this.breaker.view(now);
        emit("breaker_opened", now, { failure_rate_percent, calls_in_window, next_attempt_at });
      } else emit(state === "half_open" ? "breaker_half_open" : "breaker_closed", now, {});
    };
    this.outlier.onEject = (until, count, now) => emit("outlier_ejected", now, { until: new Date(until).toISOString(), ejection_count: count });
    this.activeHealth.onChange = (state, now) =>
      emit(state === "unhealthy" ? "health_check_failed" : "health_check_recovered", now, state === "unhealthy" ? { error: this.activeHealth.lastError } : {});
  }

  get inflight(): number {
    return this.inflightCount;
  }

  begin(): void {
    this.inflightCount++;
  }

  end(): void {
    if (this.inflightCount > 0) this.inflightCount--;
  }

  latencyEwma(now: number): number {
    return this.ewma.value(now);
  }

  observeLatency(ms: number, now = this.clock.now()): void {
    this.ewma.observe(ms, now);
  }

  /** Eligible for traffic: healthy (if checked), not ejected, not cooling down, breaker permitting. */
  available(now = this.clock.now()): boolean {
    return this.activeHealth.healthy && !this.outlier.isEjected(now) && !this.coolingDown(now) && this.breaker.permits(now);
  }

  /**
   * Takes the target out of rotation until `untilMs` — e.g. a credential that
   * got 429 with Retry-After, or 401 (parked, then tried again by itself when
   * the time is up). A later, longer cooldown extends it; a shorter one does not shorten it.
   */
  coolDown(untilMs: number, reason: string): void {
    if (this.cooledUntil === null || untilMs > this.cooledUntil) {
      this.cooledUntil = untilMs;
      this.coolReason = reason;
    }
    this.lastError = reason;
  }

  coolingDown(now = this.clock.now()): boolean {
    if (this.cooledUntil === null) return false;
    if (now < this.cooledUntil) return true;
    this.cooledUntil = null;
    this.coolReason = null;
    return false;
  }

  /**
   * Earliest time (ms) the target may be available again, assuming nothing
   * else goes wrong: the latest of its blockers' ends. `now` when available;
   * null when no end is known (all half-open probes are out).
   */
  recoveryAt(now = this.clock.now()): number | null {
    if (this.available(now)) return now;
    let at = now;
    const health = this.activeHealth.recoveryAt(now);
    if (health !== null) at = Math.max(at, health);
    const ejection = this.outlier.ejectionEndsAt(now);
    if (ejection !== null) at = Math.max(at, ejection);
    if (this.coolingDown(now) && this.cooledUntil !== null) at = Math.max(at, this.cooledUntil);
    if (!this.breaker.permits(now)) {
      const half = this.breaker.nextAttemptAt;
      if (half === null) return null;
      at = Math.max(at, half);
    }
    return at;
  }

  /** Takes the spec and policies of a recompiled upstream, keeping the counters. */
  update(spec: Target, policies: TargetPolicies): void {
    this.weight = spec.weight;
    this.priority = spec.priority;
    this.breaker.updateConfig(policies.circuit_breaker);
    this.outlier.updateConfig(policies.outlier_detection);
    this.activeHealth.updateConfig(policies.health_check);
  }

  /** Remembers why the last attempt failed (null outcomes are successes). */
  noteOutcome(outcome: AttemptOutcome): void {
    const error = describeFailure(outcome);
    if (error !== null) this.lastError = error;
  }

  view(now = this.clock.now()): TargetHealthView {
    return {
      upstream_id: this.upstreamId,
      url: this.url,
      weight: this.weight,
      priority: this.priority,
      available: this.available(now),
      active_health: this.activeHealth.view(),
      outlier: this.outlier.view(now),
      breaker: this.breaker.view(now),
      cooldown: this.coolingDown(now) ? { until: new Date(this.cooledUntil ?? now).toISOString(), reason: this.coolReason ?? "" } : null,
      inflight: this.inflightCount,
      latency_ewma_ms: Math.round(this.ewma.value(now) * 100) / 100,
      last_error: this.lastError ?? this.activeHealth.lastError,
    };
  }
}

export function describeFailure(outcome: AttemptOutcome): string | null {
  switch (outcome.kind) {
    case "response":
      return outcome.status >= 500 ? `upstream status ${outcome.status}` : null;
    case "connect_failure":
      return `connect failure: ${outcome.message}`;
    case "timeout":
      return `timeout: ${outcome.message}`;
    case "reset":
      return `reset: ${outcome.message}`;
    case "cancelled":
      return null;
  }
}
