/**
 * Active health checking. `ActiveHealthState` is the pure per-target state
 * machine (healthy ⇄ unhealthy after healthy_threshold / unhealthy_threshold
 * consecutive probe results); `HealthChecker` runs the HTTP probes on a timer
 * and feeds the results into it. Targets start healthy so a fresh gateway
 * serves traffic before its first probe round completes.
 */
import type { ActiveHealthCheckConfig } from "../config/entities.ts";
import type { Clock } from "../core/clock.ts";
import type { HealthState, TargetHealthView } from "./types.ts";

export type ActiveHealthView = TargetHealthView["active_health"];

export class ActiveHealthState {
  private config: ActiveHealthCheckConfig;
  private current: HealthState = "healthy";
  private successes = 0;
  private failures = 0;
  private lastCheckAt: number | null = null;
  private nextCheckAt: number | null = null;
  private lastErr: string | null = null;
  /** Told when probes turn the target unhealthy or healthy again. */
  onChange: ((state: HealthState, now: number) => void) | undefined;

  constructor(config: ActiveHealthCheckConfig) {
    this.config = config;
  }

  get state(): HealthState {
    return this.current;
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** Healthy for traffic: always true while active checks are disabled. */
  get healthy(): boolean {
    return !this.config.enabled || this.current === "healthy";
  }

  get lastError(): string | null {
    return this.lastErr;
  }

  record(ok: boolean, now: number, error?: string): void {
    this.lastCheckAt = now;
    this.nextCheckAt = now + this.config.interval_ms;
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (this.current === "unhealthy" && this.successes >= this.config.healthy_threshold) {
        this.current = "healthy";
        this.onChange?.("healthy", now);
      }
      return;
    }
    this.failures++;
    this.successes = 0;
    this.lastErr = error ?? "probe failed";
    if (this.current === "healthy" && this.failures >= this.config.unhealthy_threshold) {
      this.current = "unhealthy";
      this.onChange?.("unhealthy", now);
    }
  }

  scheduled(nextCheckAt: number): void {
    this.nextCheckAt = nextCheckAt;
  }

  /** Earliest time (ms) an unhealthy target can become healthy again; null when healthy. */
  recoveryAt(now: number): number | null {
    if (this.healthy) return null;
    const next = this.nextCheckAt !== null && this.nextCheckAt > now ? this.nextCheckAt : now + this.config.interval_ms;
    const more = Math.max(0, this.config.healthy_threshold - this.successes - 1);
    return next + more * this.config.interval_ms;
  }

  /** A changed config keeps the state and counters; disabling forgets them. */
  updateConfig(config: ActiveHealthCheckConfig): void {
    this.config = config;
    if (!config.enabled) {
      this.current = "healthy";
      this.successes = 0;
      this.failures = 0;
      this.nextCheckAt = null;
    }
  }

  view(): ActiveHealthView {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      enabled: this.config.enabled,
      state: this.current,
      consecutive_successes: this.successes,
      consecutive_failures: this.failures,
      last_check_at: iso(this.lastCheckAt),
      next_check_at: iso(this.nextCheckAt),
      last_error: this.lastErr,
    };
  }
}

export interface ProbeTarget {
  readonly url: string;
  readonly activeHealth: ActiveHealthState;
}

export interface HealthCheckerOptions {
  config: ActiveHealthCheckConfig;
  targets: readonly ProbeTarget[];
  clock: Clock;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

export class HealthChecker {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  /** Bumped by start/stop so a loop from an earlier start never reschedules itself. */
  private generation = 0;
  private stopper = new AbortController();
  private readonly doFetch: (input: string, init: RequestInit) => Promise<Response>;

  constructor(private readonly opts: HealthCheckerOptions) {
    this.doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  get started(): boolean {
    return this.running;
  }

  /** Probes at once, then every interval_ms, until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation++;
    this.stopper = new AbortController();
    void this.loop(this.generation);
  }

  /** Stops the timer and aborts probes in flight; their results are discarded. */
  stop(): void {
    this.running = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopper.abort(new Error("health checker stopped"));
  }

  /** One probe round over all targets; resolves when every probe has been recorded. */
  async checkNow(): Promise<void> {
    const signal = this.stopper.signal;
    await Promise.all(this.opts.targets.map((t) => this.probeAndRecord(t, signal)));
  }

  private async loop(generation: number): Promise<void> {
    await this.checkNow();
    if (generation !== this.generation) return;
    const interval = this.opts.config.interval_ms;
    const next = this.opts.clock.now() + interval;
    for (const t of this.opts.targets) t.activeHealth.scheduled(next);
    this.timer = setTimeout(() => void this.loop(generation), interval);
    this.timer.unref();
  }

  private async probeAndRecord(target: ProbeTarget, stopSignal: AbortSignal): Promise<void> {
    const result = await probe(this.doFetch, target.url, this.opts.config, stopSignal);
    if (stopSignal.aborted) return;
    target.activeHealth.record(result.ok, this.opts.clock.now(), result.error);
  }
}

export interface ProbeResult {
  ok: boolean;
  error?: string;
}

export async function probe(
  doFetch: (input: string, init: RequestInit) => Promise<Response>,
  targetUrl: string,
  config: ActiveHealthCheckConfig,
  stopSignal: AbortSignal,
): Promise<ProbeResult> {
  if (stopSignal.aborted) return { ok: false, error: "stopped" };
  const timeout = AbortSignal.timeout(config.timeout_ms);
  const signal = AbortSignal.any([timeout, stopSignal]);
  try {
    const res = await doFetch(probeUrl(targetUrl, config.path), { method: config.method, signal, redirect: "manual" });
    await res.body?.cancel().catch(() => undefined);
    if (config.expected_statuses.includes(res.status)) return { ok: true };
    return { ok: false, error: `unexpected status ${res.status}` };
  } catch (err) {
    if (timeout.aborted) return { ok: false, error: `timeout after ${config.timeout_ms} ms` };
    if (stopSignal.aborted) return { ok: false, error: "stopped" };
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The target URL's own path is a base: http://h/api + /health → http://h/api/health. */
export function probeUrl(targetUrl: string, path: string): string {
  const u = new URL(targetUrl);
  const q = path.indexOf("?");
  u.pathname = u.pathname.replace(/\/+$/, "") + (q < 0 ? path : path.slice(0, q));
  u.search = q < 0 ? "" : path.slice(q);
  u.hash = "";
  return u.toString();
}
