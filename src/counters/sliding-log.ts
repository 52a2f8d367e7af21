/**
 * One key's sliding-window log: a growable ring of (time, cost) entries in
 * arrival order plus their running sum, so expiring old hits and admitting a
 * new one are O(1) amortised.
 */
import type { HitResult } from "./counter-store.ts";

export class SlidingLog {
  private times = new Float64Array(8);
  private costs = new Float64Array(8);
  private head = 0;
  private size = 0;
  private sum = 0;

  /** Time after which every entry has left the window (for sweeping). */
  newest(): number {
    if (this.size === 0) return Number.NEGATIVE_INFINITY;
    return this.times[(this.head + this.size - 1) % this.times.length] ?? Number.NEGATIVE_INFINITY;
  }

  get length(): number {
    return this.size;
  }

  hit(now: number, windowMs: number, limit: number, cost: number): HitResult {
    this.expire(now - windowMs);
    if (cost > limit) return this.result(false, now, windowMs, limit, windowMs);
    if (this.sum + cost <= limit) {
      this.push(now, cost);
      return this.result(true, now, windowMs, limit, 0);
    }
    return this.result(false, now, windowMs, limit, this.waitFor(this.sum + cost - limit, now, windowMs));
  }

  private result(allowed: boolean, now: number, windowMs: number, limit: number, retryAfterMs: number): HitResult {
    const resetMs = this.size === 0 ? 0 : Math.max(0, this.newest() + windowMs - now);
    return { allowed, count: this.sum, remaining: Math.max(0, limit - this.sum), resetMs, retryAfterMs };
  }

  /** Entries at or before `cutoff` have left the window. */
  private expire(cutoff: number): void {
    const cap = this.times.length;
    while (this.size > 0 && (this.times[this.head] ?? 0) <= cutoff) {
      this.sum -= this.costs[this.head] ?? 0;
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    if (this.size === 0) this.sum = 0;
  }

  /** How long until the oldest entries free at least `need` cost. */
  private waitFor(need: number, now: number, windowMs: number): number {
    const cap = this.times.length;
    let freed = 0;
    for (let i = 0; i < this.size; i++) {
      const at = (this.head + i) % cap;
      freed += this.costs[at] ?? 0;
      if (freed >= need) return Math.max(1, (this.times[at] ?? now) + windowMs - now);
    }
    return windowMs;
  }

  private push(now: number, cost: number): void {
    if (this.size === this.times.length) this.grow();
    const at = (this.head + this.size) % this.times.length;
    this.times[at] = now;
    this.costs[at] = cost;
    this.size++;
    this.sum += cost;
  }

  private grow(): void {
    const cap = this.times.length;
    const times = new Float64Array(cap * 2);
    const costs = new Float64Array(cap * 2);
    for (let i = 0; i < this.size; i++) {
      const from = (this.head + i) % cap;
      times[i] = this.times[from] ?? 0;
      costs[i] = this.costs[from] ?? 0;
    }
    this.times = times;
    this.costs = costs;
    this.head = 0;
  }
}
