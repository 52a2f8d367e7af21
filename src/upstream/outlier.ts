/**
 * Passive outlier detection for one target (Envoy's model): consecutive
 * failures of real traffic eject the target for base_ejection_ms × 2^(n−1)
 * on its n-th ejection in a row, capped at max_ejection_ms. Every
 * base_ejection_ms the target then stays un-ejected, n decays by one, so a
 * target that flapped once long ago starts again from the base time.
 *
 * An ejection ends by itself when its time is up; there is no manual
 * re-enable. Whether an ejection may happen at all depends on the whole
 * upstream (max_ejection_percent), so `record()` only says that the target
 * *wants* to be ejected and the upstream calls `eject()` if it agrees.
 */
import type { OutlierDetectionConfig } from "../config/entities.ts";
import type { Clock } from "../core/clock.ts";
import type { AttemptOutcome, TargetHealthView } from "./types.ts";

export type OutlierView = TargetHealthView["outlier"];

const GATEWAY_STATUSES = new Set([502, 503, 504]);

export class OutlierDetector {
  private config: OutlierDetectionConfig;
  private failures = 0;
  private gatewayErrors = 0;
  private ejections = 0;
  private ejectedUntil: number | null = null;
  /** Time from which un-ejected time counts toward decaying `ejections`. */
  private decayFrom = 0;
  /** Told of every ejection: until when, and the how-manieth in a row. */
  onEject: ((until: number, count: number, now: number) => void) | undefined;

  constructor(
    config: OutlierDetectionConfig,
    private readonly clock: Clock,
  ) {
    this.config = config;
  }

  /** Counts the outcome; true when the target now wants to be ejected. */
  record(outcome: AttemptOutcome, now = this.clock.now()): boolean {
    if (!this.config.enabled || outcome.kind === "cancelled") return false;
    const { failure, gateway } = classify(outcome);
    if (!failure) {
      this.failures = 0;
      this.gatewayErrors = 0;
      return false;
    }
    this.failures++;
    this.gatewayErrors = gateway ? this.gatewayErrors + 1 : 0;
    if (this.isEjected(now)) return false;
    return this.failures >= this.config.consecutive_failures || this.gatewayErrors >= this.config.consecutive_gateway_errors;
  }

  /** Ejects the target; returns until when (ms). */
  eject(now = this.clock.now()): number {
    this.settle(now);
    this.ejections++;
    const duration = Math.min(this.config.base_ejection_ms * 2 ** (this.ejections - 1), this.config.max_ejection_ms);
    this.ejectedUntil = now + duration;
    this.decayFrom = this.ejectedUntil;
    this.failures = 0;
    this.gatewayErrors = 0;
    this.onEject?.(this.ejectedUntil, this.ejections, now);
    return this.ejectedUntil;
  }

  isEjected(now = this.clock.now()): boolean {
    return this.ejectedUntil !== null && now < this.ejectedUntil;
  }

  /** End of the current ejection (ms), null when not ejected. */
  ejectionEndsAt(now = this.clock.now()): number | null {
    return this.isEjected(now) ? this.ejectedUntil : null;
  }

  /** Ejections in a row, after decay. */
  ejectionCount(now = this.clock.now()): number {
    this.settle(now);
    return this.ejections;
  }

  updateConfig(config: OutlierDetectionConfig): void {
    this.config = config;
    if (!config.enabled) {
      this.ejectedUntil = null;
      this.failures = 0;
      this.gatewayErrors = 0;
    }
  }

  view(now = this.clock.now()): OutlierView {
    const until = this.ejectionEndsAt(now);
    return {
      ejected: until !== null,
      ejected_until: until === null ? null : new Date(until).toISOString(),
      ejection_count: this.ejectionCount(now),
      consecutive_failures: this.failures,
      consecutive_gateway_errors: this.gatewayErrors,
    };
  }

  private settle(now: number): void {
    if (this.ejections === 0 || this.isEjected(now)) return;
    const steps = Math.floor((now - this.decayFrom) / this.config.base_ejection_ms);
    if (steps <= 0) return;
    this.ejections = Math.max(0, this.ejections - steps);
    this.decayFrom += steps * this.config.base_ejection_ms;
  }
}

function classify(outcome: Exclude<AttemptOutcome, { kind: "cancelled" }>): { failure: boolean; gateway: boolean } {
  if (outcome.kind !== "response") return { failure: true, gateway: true };
  if (outcome.status >= 500) return { failure: true, gateway: GATEWAY_STATUSES.has(outcome.status) };
  return { failure: false, gateway: false };
}
