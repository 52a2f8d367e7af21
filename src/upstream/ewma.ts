/**
 * Peak-EWMA latency estimate (Finagle / Linkerd): a sample above the current
 * estimate is adopted at once, so a target that turns slow is avoided right
 * away; a smaller sample pulls the estimate toward itself with time constant
 * `decayMs`, weighted by how long ago the previous sample was. Between
 * samples the estimate decays toward 0, so a target that was slow once and
 * then got no traffic is eventually tried again instead of being starved.
 * Reading is pure, so the balancer may ask as often as it likes.
 */
export const DEFAULT_EWMA_DECAY_MS = 10_000;

export class PeakEwma {
  private cost = 0;
  private stamp = 0;

  constructor(private readonly decayMs = DEFAULT_EWMA_DECAY_MS) {}

  observe(sampleMs: number, now: number): void {
    const rtt = Math.max(0, sampleMs);
    const current = this.value(now);
    if (rtt >= current) {
      this.cost = rtt;
    } else {
      const w = Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
      this.cost = current * w + rtt * (1 - w);
    }
    this.stamp = now;
  }

  /** The estimate at `now`, 0 when nothing is known. Does not change state. */
  value(now: number): number {
    if (this.cost === 0) return 0;
    const elapsed = Math.max(0, now - this.stamp);
    return this.cost * Math.exp(-elapsed / this.decayMs);
  }
}
