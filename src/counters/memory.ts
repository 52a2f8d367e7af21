/**
 * In-process counters: one SlidingLog per key, updated synchronously, so a
 * hit is atomic on this node without locks. Exact for one gateway node;
 * a cluster needs the Redis backend.
 */
import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import type { CounterStore, HitResult } from "./counter-store.ts";
import { SlidingLog } from "./sliding-log.ts";

export interface MemoryCounterOptions {
  clock?: Clock;
  /** Keys idle past their window are swept at most this often (default 10 s), during hits. */
  sweepIntervalMs?: number;
}

interface Entry {
  log: SlidingLog;
  windowMs: number;
}

export class MemoryCounterStore implements CounterStore {
  readonly backend = "memory";
  private readonly keys = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly sweepIntervalMs: number;
  private lastSweep: number;

  constructor(options: MemoryCounterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
    this.lastSweep = this.clock.now();
  }

  hit(key: string, windowMs: number, limit: number, cost = 1): Promise<HitResult> {
    return Promise.resolve(this.hitSync(key, windowMs, limit, cost));
  }

  hitSync(key: string, windowMs: number, limit: number, cost = 1): HitResult {
    const now = this.clock.now();
    if (now - this.lastSweep >= this.sweepIntervalMs) this.sweep(now);
    let entry = this.keys.get(key);
    if (!entry) {
      entry = { log: new SlidingLog(), windowMs };
      this.keys.set(key, entry);
    }
    entry.windowMs = windowMs;
    const result = entry.log.hit(now, windowMs, limit, cost);
    // A refused first hit leaves nothing to remember.
    if (entry.log.length === 0) this.keys.delete(key);
    return result;
  }

  /** Drops keys whose every hit has left the window. */
  sweep(now = this.clock.now()): void {
    this.lastSweep = now;
    for (const [key, entry] of this.keys) {
      if (entry.log.newest() + entry.windowMs <= now) this.keys.delete(key);
    }
  }

  /** Keys currently held (for tests and gauges). */
  get size(): number {
    return this.keys.size;
  }

  close(): Promise<void> {
    this.keys.clear();
    return Promise.resolve();
  }
}
