/**
 * Per-target circuit breaker (Resilience4j's count-over-time model):
 *
 *   closed ──(≥ minimum_calls in window_ms and failure rate ≥ threshold)──► open
 *   open ──(open_ms elapsed, on the next tryAcquire)──► half_open
 *   half_open ──(all half_open_probes probes succeed)──► closed (window reset)
 *   half_open ──(any probe fails)──► open
 *
 * Slow calls (≥ slow_call_ms when that is > 0) count as failures, because a
 * target that answers only after the client has given up is as useless as one
 * that does not answer. A breaker never stays open: it always lets probes
 * through after open_ms, so every target recovers by itself.
 */
import type { CircuitBreakerConfig } from "../config/entities.ts";
import type { Clock } from "../core/clock.ts";
import type { BreakerState, TargetHealthView } from "./types.ts";
import { SlidingCounts } from "./window.ts";

type Field = "calls" | "failures";
const FIELDS: readonly Field[] = ["calls", "failures"];

export type BreakerView = TargetHealthView["breaker"];

export class CircuitBreaker {
  private config: CircuitBreakerConfig;
  private window: SlidingCounts<Field>;
  private current: BreakerState = "closed";
  private openUntil: number | null = null;
  /** Told of every state change (target.ts turns them into TargetEvents). */
  onTransition: ((state: BreakerState, now: number) => void) | undefined;
  /** Half-open probes handed out and not yet finished. */
  private probesInFlight = 0;
  private probesSucceeded = 0;

  constructor(
    config: CircuitBreakerConfig,
    private readonly clock: Clock,
  ) {
    this.config = config;
    this.window = new SlidingCounts(config.window_ms, FIELDS);
  }

  get state(): BreakerState {
    return this.current;
  }

  /** When an open breaker lets its first probe through (ms), null unless open. */
  get nextAttemptAt(): number | null {
    return this.current === "open" ? this.openUntil : null;
  }

  /** Would `tryAcquire` succeed now? Never changes state. */
  permits(now = this.clock.now()): boolean {
    if (!this.config.enabled) return true;
    switch (this.current) {
      case "closed":
        return true;
      case "open":
        return now >= (this.openUntil ?? 0);
      case "half_open":
        return this.probesInFlight + this.probesSucceeded < this.config.half_open_probes;
    }
  }

  /** Takes a permit for one call; false means the call must not be made. */
  tryAcquire(now = this.clock.now()): boolean {
    if (!this.config.enabled) return true;
    if (this.current === "open") {
      if (now < (this.openUntil ?? 0)) return false;
      this.enterHalfOpen(now);
    }
    if (this.current === "half_open") {
      if (this.probesInFlight + this.probesSucceeded >= this.config.half_open_probes) return false;
      this.probesInFlight++;
    }
    return true;
  }

  /** The call made under a permit finished. */
  onResult(success: boolean, durationMs: number, now = this.clock.now()): void {
    if (!this.config.enabled) return;
    const failed = !success || (this.config.slow_call_ms > 0 && durationMs >= this.config.slow_call_ms);
    switch (this.current) {
      case "closed":
        this.recordClosed(failed, now);
        return;
      case "half_open":
        // A late result of a call admitted before the breaker opened is not a probe.
        if (this.probesInFlight === 0) return;
        this.probesInFlight--;
        if (failed) return this.open(now);
        this.probesSucceeded++;
        if (this.probesSucceeded >= this.config.half_open_probes) this.close(now);
        return;
      case "open":
        return;
    }
  }

  /** The call made under a permit was cancelled by the client: neither success nor failure. */
  release(): void {
    if (this.current === "half_open" && this.probesInFlight > 0) this.probesInFlight--;
  }

  /** Applies a changed config, keeping the state; the window restarts only if its length changed. */
  updateConfig(config: CircuitBreakerConfig): void {
    if (config.window_ms !== this.config.window_ms) this.window = new SlidingCounts(config.window_ms, FIELDS);
    this.config = config;
    if (!config.enabled) this.close(this.clock.now());
  }

  view(now = this.clock.now()): BreakerView {
    const { calls, failures } = this.window.totals(now);
    const next = this.nextAttemptAt;
    return {
      state: this.current,
      failure_rate_percent: calls === 0 ? 0 : Math.round((failures / calls) * 10_000) / 100,
      calls_in_window: calls,
      next_attempt_at: next === null ? null : new Date(next).toISOString(),
    };
  }

  private recordClosed(failed: boolean, now: number): void {
    this.window.add(now, "calls");
    if (failed) this.window.add(now, "failures");
    const { calls, failures } = this.window.totals(now);
    if (calls >= this.config.minimum_calls && (failures / calls) * 100 >= this.config.failure_rate_percent) this.open(now);
  }

  private open(now: number): void {
    this.current = "open";
    this.openUntil = now + this.config.open_ms;
    this.probesInFlight = 0;
    this.probesSucceeded = 0;
    this.onTransition?.("open", now);
  }

  private enterHalfOpen(now: number): void {
    this.current = "half_open";
    this.probesInFlight = 0;
    this.probesSucceeded = 0;
    this.onTransition?.("half_open", now);
  }

  private close(now: number): void {
    const was = this.current;
    this.current = "closed";
    this.openUntil = null;
    this.probesInFlight = 0;
    this.probesSucceeded = 0;
    this.window.reset();
    if (was !== "closed") this.onTransition?.("closed", now);
  }
}
