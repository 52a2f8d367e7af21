/**
 * Streams an upstream response body to the client without buffering, while
 * enforcing the idle timeout between chunks and the total deadline, counting
 * bytes, and reporting exactly once how the body ended. A body that fails
 * midway errors the client stream, so the client sees a truncated transfer
 * rather than a silently short "complete" one.
 */
export type BodyEnd =
  | { kind: "complete"; bytes: number }
  | { kind: "idle_timeout" | "total_timeout" | "upstream_error" | "client_cancelled"; bytes: number; message: string };

export interface BodyOptions {
  idleMs: number;
  /** Absolute deadline (performance.now() scale). */
  deadline: number;
  abort: AbortController;
  onEnd(end: BodyEnd): void;
}

export function relayBody(source: ReadableStream<Uint8Array>, opts: BodyOptions): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let bytes = 0;
  let ended = false;
  let timer: Timer | undefined;
  let fired: "idle_timeout" | "total_timeout" | undefined;

  const end = (e: BodyEnd) => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    opts.onEnd(e);
  };

  const arm = () => {
    if (timer) clearTimeout(timer);
    const remaining = opts.deadline - performance.now();
    const idle = Math.min(opts.idleMs, Math.max(0, remaining));
    const kind = idle < opts.idleMs ? "total_timeout" : "idle_timeout";
    timer = setTimeout(() => {
      fired = kind;
      opts.abort.abort();
      void reader.cancel().catch(() => {});
    }, idle);
  };

  return new ReadableStream<Uint8Array>({
    start() {
      arm();
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          end({ kind: "complete", bytes });
          controller.close();
          return;
        }
        bytes += value.byteLength;
        arm();
        controller.enqueue(value);
      } catch (err) {
        const kind = fired ?? "upstream_error";
        const message = kind === "upstream_error" ? (err instanceof Error ? err.message : String(err)) : `response body ${kind.replace("_", " ")}`;
        end({ kind, bytes, message });
        // Any Error a response stream fails with is printed by Bun for every
        // cut transfer; the call record already carries the cause, so the
        // stream fails without one (the client still sees the connection cut).
        controller.error(undefined);
      }
    },
    cancel(reason) {
      end({ kind: "client_cancelled", bytes, message: String(reason ?? "client closed") });
      opts.abort.abort();
      return reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
