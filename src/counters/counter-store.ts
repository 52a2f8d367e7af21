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
 *
 * Besides the sliding log, a store keeps plain integer totals for fixed
 * windows (token quotas, budgets): `add` is one atomic increment, so
 * concurrent adds from any number of nodes never lose an update. The caller
 * puts the window in the key (e.g. the calendar minute) and gives a time to
 * live past the window's end; amounts are integers so sums stay exact
 * (money is counted in micro-dollars).
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
  /**
   * Adds `amount` (a safe integer, possibly negative or 0) to the total under
   * `key` and returns the new total. A new key starts at 0 and is dropped
   * `ttlMs` after the add that created it; later adds keep that deadline.
   * Rejects with a RangeError for a non-integer amount or a ttlMs below 1.
   */
  add(key: string, amount: number, ttlMs: number): Promise<number>;
  /** The total under `key`: 0 when it was never added to or has expired. */
  get(key: string): Promise<number>;
  close(): Promise<void>;
}

/** The argument check every backend applies to add(), so both reject the same inputs. */
export function checkAdd(amount: number, ttlMs: number): void {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`counter amounts are safe integers, got ${amount}`);
  if (!Number.isFinite(ttlMs) || ttlMs < 1) throw new RangeError(`a counter's time to live is at least 1 ms, got ${ttlMs}`);
}
