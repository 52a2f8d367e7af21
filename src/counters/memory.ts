/**
 * In-process counters: one SlidingLog per key and one total per fixed-window
 * key, updated synchronously, so a hit or an add is atomic on this node
 * without locks. Exact for one gateway node; a cluster needs the Redis
 * backend.
 */
import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import { type CounterStore, type HitResult, checkAdd } from "./counter-store.ts";
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

interface Total {
  value: number;
  expiresAt: number;
}

export class MemoryCounterStore implements CounterStore {
  readonly backend = "memory";
  private readonly keys = new Map<string, Entry>();
  private readonly totals = new Map<string, Total>();
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

  add(key: string, amount: number, ttlMs: number): Promise<number> {
    try {
      return Promise.resolve(this.addSync(key, amount, ttlMs));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  addSync(key: string, amount: number, ttlMs: number): number {
    checkAdd(amount, ttlMs);
    const now = this.clock.now();
    if (now - this.lastSweep >= this.sweepIntervalMs) this.sweep(now);
    const total = this.liveTotal(key, now);
    if (total) {
      total.value += amount;
      return total.value;
    }
    this.totals.set(key, { value: amount, expiresAt: now + ttlMs });
    return amount;
  }

  get(key: string): Promise<number> {
    return Promise.resolve(this.liveTotal(key, this.clock.now())?.value ?? 0);
  }

  private liveTotal(key: string, now: number): Total | undefined {
    const total = this.totals.get(key);
    if (!total || total.expiresAt > now) return total;
    this.totals.delete(key);
    return undefined;
  }

  /** Drops keys whose every hit has left the window, and expired totals. */
  sweep(now = this.clock.now()): void {
    this.lastSweep = now;
    for (const [key, entry] of this.keys) {
      if (entry.log.newest() + entry.windowMs <= now) this.keys.delete(key);
    }
    for (const [key, total] of this.totals) {
      if (total.expiresAt <= now) this.totals.delete(key);
    }
  }

  /** Keys currently held, sliding logs and totals (for tests and gauges). */
  get size(): number {
    return this.keys.size + this.totals.size;
  }

  close(): Promise<void> {
    this.keys.clear();
    this.totals.clear();
    return Promise.resolve();
  }
}
