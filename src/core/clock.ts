/**
 * Time is injected so the state machines (breaker, outlier detection, retry
 * budget, health checks) can be tested with a fake clock instead of sleeps.
 */
export interface Clock {
  /** Milliseconds, monotonic enough for durations. */
  now(): number;
}

const origin = performance.timeOrigin;
export const systemClock: Clock = { now: () => origin + performance.now() };

export class FakeClock implements Clock {
  constructor(private t = 1_000_000) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
