/**
 * Counters for rate limits and quotas. A hit is one atomic step of an exact
 * sliding-window log: the hits of the last `windowMs` are kept with their
 * times, a hit is admitted only if the admitted cost in the window plus its
 * own cost stays within `limit`, and refused hits are not recorded (so a
 * client hammering a closed limit does not keep it closed).
 *
 * Exact means no over-admission under any interleaving: two backends, one
 * contract (test/counters/counter-store.case.ts), so a limit means the same
 * on one node (memory) as across a cluster (Redis).
 *
 * Memory bound: a key holds at most `limit` entries (each admitted hit costs
 * at least 1 and refused hits are not stored), and a key whose newest entry
 * has left its window is dropped, so memory is O(active keys × limit).
 */
export interface HitResult {
  allowed: boolean;
  /** Cost admitted in the window, including this hit if it was allowed. */
  count: number;
  /** limit − count, never below 0. */
  remaining: number;
  /** Milliseconds until every hit now in the window has left it (the full quota is back); 0 when empty. */
  resetMs: number;
  /** 0 when allowed; otherwise milliseconds until enough hits leave the window for this cost to fit. */
  retryAfterMs: number;
}

export interface CounterStore {
  /** "memory" or "redis", for logs and metrics. */
  readonly backend: string;
  /**
   * Records a hit of `cost` (default 1) under `key` if it fits in `limit`
   * over the sliding `windowMs`. A cost above the limit can never fit: it is
   * refused with retryAfterMs = windowMs.
   */
  hit(key: string, windowMs: number, limit: number, cost?: number): Promise<HitResult>;
  close(): Promise<void>;
}
