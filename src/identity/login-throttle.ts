/**
 * Slows password guessing: after too many failed logins for one user name,
 * or from one address, within a window, further attempts answer 429
 * rate_limited until the window has passed — before any password is
 * checked, and the same way whether the name exists or not. Counts are
 * kept per process; a success clears its user name's count.
 */
import { WaygateError } from "../core/errors.ts";

export interface ThrottleLimits {
  /** Failed attempts for one user name within the window. */
  perUsername: number;
  /** Failed attempts from one address within the window. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perUsername: 10, perAddress: 50, windowMs: 15 * 60_000 };

/** Bounds the memory an attacker spraying names can make the table take. */
const MAX_TRACKED = 100_000;

interface Window {
  start: number;
  failures: number;
}

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits: ThrottleLimits = DEFAULT_THROTTLE) {}

  /** Throws 429 when the user name or the address has used up its failures. */
  check(username: string, address: string | null, now: number): void {
    const waits = [this.wait(`u:${username.toLowerCase()}`, this.limits.perUsername, now)];
    if (address !== null) waits.push(this.wait(`a:${address}`, this.limits.perAddress, now));
    const wait = Math.max(...waits);
    if (wait > 0) throw new WaygateError("rate_limited", "too many failed logins; try again later", { retryAfter: Math.ceil(wait / 1000) });
  }

  failed(username: string, address: string | null, now: number): void {
    this.count(`u:${username.toLowerCase()}`, now);
    if (address !== null) this.count(`a:${address}`, now);
  }

  succeeded(username: string): void {
    this.windows.delete(`u:${username.toLowerCase()}`);
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  private wait(key: string, limit: number, now: number): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const end = w.start + this.limits.windowMs;
    if (end <= now) {
      this.windows.delete(key);
      return 0;
    }
    return w.failures >= limit ? end - now : 0;
  }

  private count(key: string, now: number): void {
    const w = this.windows.get(key);
    if (w && w.start + this.limits.windowMs > now) {
      w.failures++;
      return;
    }
    if (this.windows.size >= MAX_TRACKED) this.sweep(now);
    this.windows.set(key, { start: now, failures: 1 });
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.start + this.limits.windowMs <= now) this.windows.delete(key);
    // Still full of live windows: drop the oldest, since Map iterates in insertion order.
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_TRACKED) break;
      this.windows.delete(key);
    }
  }
}
