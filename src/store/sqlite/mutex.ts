/**
 * bun:sqlite runs statements synchronously on one connection, but a
 * transaction spans awaits; without a queue a second caller's statements
 * would land inside the first caller's open transaction.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every queued task has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
