/**
 * The revision watcher shared by every SQL store: a poll of the revision
 * (which sees commits from other processes), optionally woken early by the
 * driver's push notifications. Checks never overlap; a burst of changes is
 * reported once with the newest revision, and a revision is reported only
 * when it is greater than every one seen before.
 */
export interface WatchSource {
  revision(): Promise<number>;
  subscribe?: ((onNotify: () => void) => () => void) | undefined;
}

export interface WatchOptions {
  pollMs: number;
  /** Baseline revision; when absent, the revision at the first check. */
  since?: number | undefined;
}

/** With push notifications the poll is only a safety net, so it runs rarely. */
export function pollInterval(pollMs: number, pushed: boolean): number {
  const base = Math.max(10, pollMs);
  return pushed ? Math.max(base * 10, 2000) : base;
}

export function startWatch(source: WatchSource, onChange: (revision: number) => void, options: WatchOptions): () => void {
  let last = options.since ?? null;
  let stopped = false;
  let running = false;
  let again = false;

  const check = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const revision = await source.revision();
        if (stopped) return;
        if (last === null) last = revision;
        else if (revision > last) {
          last = revision;
          try {
            onChange(revision);
          } catch (err) {
            console.error("store watch listener failed", err);
          }
        }
      } while (again && !stopped);
    } catch {
      // A failed read (database restarting, store closing) is retried by the next poll.
    } finally {
      running = false;
    }
  };

  const timer = setInterval(() => void check(), pollInterval(options.pollMs, source.subscribe !== undefined));
  timer.unref();
  const unsubscribe = source.subscribe?.(() => void check());
  void check();

  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe?.();
  };
}
