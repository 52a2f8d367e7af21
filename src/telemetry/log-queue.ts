/**
 * A bounded queue between the request path and the call-log writer. push()
 * never waits. Under overload, captured bodies go first: once the queue is
 * half full, or the bodies held would exceed their byte budget, a call is
 * kept without its bodies; when the queue is full the call itself is
 * dropped. Every drop is counted. Batches leave on a timer or as soon as a
 * batch is full.
 */
import type { CallRecord, CapturedBodies } from "./call-record.ts";

export interface CallLogSink {
  /** Persists a batch; may be slow, never called concurrently. */
  write(batch: CallRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface LogQueueStats {
  queued: number;
  written: number;
  /** Calls lost: droppedFull + droppedFailed. */
  dropped: number;
  /** Calls refused because the queue was full. */
  droppedFull: number;
  /** Calls lost with a batch the store failed to write. */
  droppedFailed: number;
  /** Calls kept without the bodies they had captured. */
  bodiesDropped: number;
  failedBatches: number;
  /** Bytes of captured bodies waiting in the queue. */
  bodyBytes: number;
}

function bodySize(b: CapturedBodies): number {
  let n = (b.request_body?.length ?? 0) + (b.response_body?.length ?? 0);
  for (const [k, v] of Object.entries(b.request_headers)) n += k.length + v.length;
  for (const [k, v] of Object.entries(b.response_headers)) n += k.length + v.length;
  return n;
}

export class LogQueue {
  private buf: CallRecord[] = [];
  private writing = false;
  private timer: Timer | undefined;
  readonly stats: LogQueueStats = { queued: 0, written: 0, dropped: 0, droppedFull: 0, droppedFailed: 0, bodiesDropped: 0, failedBatches: 0, bodyBytes: 0 };

  /**
   * @param bodyBudget bytes of captured bodies (counted as string length) the queue may hold
   */
  constructor(
    private readonly sink: CallLogSink,
    private readonly capacity = 50_000,
    private readonly batchSize = 1_000,
    private readonly flushMs = 200,
    private readonly bodyBudget = 64 * 1024 * 1024,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  push(record: CallRecord): void {
    if (this.buf.length >= this.capacity) {
      this.stats.dropped++;
      this.stats.droppedFull++;
      return;
    }
    if (record.bodies) {
      const size = bodySize(record.bodies);
      if (this.buf.length * 2 >= this.capacity || this.stats.bodyBytes + size > this.bodyBudget) {
        record.bodies = null;
        this.stats.bodiesDropped++;
      } else {
        this.stats.bodyBytes += size;
      }
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
        for (const r of batch) if (r.bodies) this.stats.bodyBytes -= bodySize(r.bodies);
        try {
          await this.sink.write(batch);
          this.stats.written += batch.length;
        } catch (err) {
          // A failing log store must not take requests down; the batch is lost and counted.
          this.stats.failedBatches++;
          this.stats.dropped += batch.length;
          this.stats.droppedFailed += batch.length;
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
