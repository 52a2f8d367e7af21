/**
 * A bounded queue between the request path and the call-log writer. push()
 * never waits: when the queue is full the record is dropped and counted.
 * Batches leave on a timer or as soon as a batch is full.
 */
import type { CallRecord } from "./call-record.ts";

export interface CallLogSink {
  /** Persists a batch; may be slow, never called concurrently. */
  write(batch: CallRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface LogQueueStats {
  queued: number;
  written: number;
  dropped: number;
  failedBatches: number;
}

export class LogQueue {
  private buf: CallRecord[] = [];
  private writing = false;
  private timer: Timer | undefined;
  readonly stats: LogQueueStats = { queued: 0, written: 0, dropped: 0, failedBatches: 0 };

  constructor(
    private readonly sink: CallLogSink,
    private readonly capacity = 50_000,
    private readonly batchSize = 1_000,
    private readonly flushMs = 200,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  push(record: CallRecord): void {
    if (this.buf.length >= this.capacity) {
      this.stats.dropped++;
      return;
    }
    this.buf.push(record);
    this.stats.queued = this.buf.length;
    if (this.buf.length >= this.batchSize && !this.writing) queueMicrotask(() => void this.flush());
  }

  /** Writes everything queued so far (one batch at a time). */
  async flush(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.buf.length > 0) {
        const batch = this.buf.splice(0, this.batchSize);
        this.stats.queued = this.buf.length;
        try {
          await this.sink.write(batch);
          this.stats.written += batch.length;
        } catch (err) {
          // A failing log store must not take requests down; the batch is lost and counted.
          this.stats.failedBatches++;
          this.stats.dropped += batch.length;
          console.error("[waygate] call log write failed:", err instanceof Error ? err.message : err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.writing) await Bun.sleep(5);
    await this.flush();
    await this.sink.close();
  }
}
