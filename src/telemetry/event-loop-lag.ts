/**
 * How late the event loop runs a timer that should fire every few
 * milliseconds. Everything the gateway does shares one thread, so a long
 * garbage-collection pause or a slow synchronous task shows here first, as
 * added latency for every request and stream in flight at that moment.
 */
import { Histogram } from "./metrics.ts";

export class EventLoopLag {
  /** Milliseconds each tick came late. */
  readonly histogram = new Histogram();
  /** The longest delay seen since start, in milliseconds. */
  max = 0;
  private timer: Timer | undefined;
  private stopped = true;

  constructor(private readonly intervalMs = 10) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    const due = performance.now() + this.intervalMs;
    this.timer = setTimeout(() => {
      const lag = Math.max(0, performance.now() - due);
      this.histogram.observe(lag);
      if (lag > this.max) this.max = lag;
      if (!this.stopped) this.arm();
    }, this.intervalMs);
    // Measuring must never keep the process alive.
    this.timer.unref();
  }
}
