/**
 * Sends finished calls' spans to an OTLP/HTTP endpoint as JSON. The request
 * path only pushes (record, trace) onto a bounded queue; spans are built
 * and posted in batches on a timer. A full queue drops and counts, a failed
 * post drops its batch and counts — tracing never holds traffic back.
 */
import type { CallRecord } from "../call-record.ts";
import { callSpans, tracesRequest } from "./otlp-json.ts";
import type { RequestTrace } from "./request-trace.ts";

export interface OtlpExporterOptions {
  /** The collector's traces URL; a bare origin gets the standard /v1/traces path. */
  endpoint: string;
  headers?: Record<string, string>;
  serviceName?: string;
  version?: string;
  /** Calls waiting to be exported at most. */
  capacity?: number;
  /** Calls per POST at most. */
  batchSize?: number;
  flushMs?: number;
  timeoutMs?: number;
}

export interface OtlpExporterStats {
  queued: number;
  exportedSpans: number;
  droppedCalls: number;
  failedPosts: number;
}

interface Pending {
  trace: RequestTrace;
  record: CallRecord;
}

export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/v1/traces";
  return url.toString();
}

export class OtlpExporter {
  private buf: Pending[] = [];
  private sending: Promise<void> | null = null;
  private timer: Timer | undefined;
  private readonly url: string;
  private readonly capacity: number;
  private readonly batchSize: number;
  readonly stats: OtlpExporterStats = { queued: 0, exportedSpans: 0, droppedCalls: 0, failedPosts: 0 };

  constructor(private readonly opts: OtlpExporterOptions) {
    this.url = tracesUrl(opts.endpoint);
    this.capacity = opts.capacity ?? 10_000;
    this.batchSize = opts.batchSize ?? 256;
    this.timer = setInterval(() => void this.flush(), opts.flushMs ?? 2000);
    this.timer.unref();
  }

  /** Queues a finished call; unsampled traces are not exported. */
  export(trace: RequestTrace, record: CallRecord): void {
    if (!trace.sampled) return;
    if (this.buf.length >= this.capacity) {
      this.stats.droppedCalls++;
      return;
    }
    this.buf.push({ trace, record });
    this.stats.queued = this.buf.length;
  }

  /** Posts everything queued so far, one batch at a time. */
  flush(): Promise<void> {
    if (this.sending) return this.sending.then(() => (this.buf.length > 0 ? this.flush() : undefined));
    this.sending = this.drain().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.buf.length > 0) {
      const batch = this.buf.splice(0, this.batchSize);
      this.stats.queued = this.buf.length;
      const spans = batch.flatMap((p) => callSpans(p.trace, p.record));
      const body = JSON.stringify(tracesRequest(spans, this.opts.serviceName ?? "waygate", this.opts.version ?? ""));
      try {
        const res = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...this.opts.headers },
          body,
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) throw new Error(`collector answered ${res.status}`);
        this.stats.exportedSpans += spans.length;
      } catch (err) {
        this.stats.failedPosts++;
        this.stats.droppedCalls += batch.length;
        console.error("[waygate] OTLP export failed:", err instanceof Error ? err.message : err);
        // The rest waits for the next tick rather than piling more posts onto a failing collector.
        return;
      }
    }
  }
}
