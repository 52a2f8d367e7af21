/**
 * Retention: each team keeps its calls for its own number of days
 * (team.call_log_retention_days), every other call for the default. A
 * runner deletes expired calls a slice at a time, pausing between slices,
 * so the writer is never held up for long.
 */
import type { CallLogStore, RetentionPolicy } from "./call-log-store.ts";

export const DAY_MS = 86_400_000;

export interface Cutoffs {
  default_cutoff: number;
  teams: Array<[string, number]>;
}

export function cutoffs(policy: RetentionPolicy, now: number): Cutoffs {
  return {
    default_cutoff: now - policy.default_days * DAY_MS,
    teams: [...policy.teams].map(([team, days]) => [team, now - days * DAY_MS]),
  };
}

export interface RetentionRunnerOptions {
  /** Time between sweeps (default one hour). */
  intervalMs?: number;
  /** Pause between the slices of one sweep (default 50 ms). */
  pauseMs?: number;
  /** Called on a failed slice; the sweep stops and the next one retries. */
  onError?: (err: unknown) => void;
}

/** Sweeps expired calls now and then every interval until stop(). */
export class RetentionRunner {
  private timer: Timer | undefined;
  private running: Promise<void> | null = null;
  private stopped = false;
  deleted = 0;

  constructor(
    private readonly store: CallLogStore,
    private readonly policy: () => Promise<RetentionPolicy>,
    private readonly options: RetentionRunnerOptions = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs ?? 3_600_000);
    this.timer.unref();
    void this.sweep();
  }

  /** One full sweep (joins a sweep already under way). */
  sweep(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped) {
        const step = await this.store.prune(await this.policy(), Date.now());
        this.deleted += step.deleted;
        if (!step.more) return;
        await Bun.sleep(this.options.pauseMs ?? 50);
      }
    } catch (err) {
      (this.options.onError ?? ((e) => console.error("[waygate] call log retention failed:", e instanceof Error ? e.message : e)))(err);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
