/**
 * Moves a started provider stream to the client: upstream bytes → the
 * provider's decoder → unified events → the client dialect's encoder. Pulled
 * by the client (backpressure: nothing is read upstream faster than the
 * client takes it), with an idle timeout between upstream chunks. Once
 * streaming has begun a failure cannot fall back, so it ends the stream with
 * a well-formed error event in the client's format — never a hang, never a
 * silent truncation. A client that goes away cancels the upstream at once.
 */
import type { StreamEncoder } from "../dialect.ts";
import type { DecodedStreamItem } from "../provider.ts";
import type { ChatStreamEvent, ProviderError } from "../types.ts";
import type { StartedStream } from "./send.ts";

export type StreamEnd =
  | { kind: "complete" }
  | { kind: "failed"; error: ProviderError }
  | { kind: "cancelled" }
  /** A policy's stream filter refused the answer (e.g. a guardrail on the completion). */
  | { kind: "refused"; code: string; message: string };

/** A policy filter between decoding and encoding (see ChatStreamFilter); errors end the stream as `refused`. */
export interface PumpFilter {
  push(ev: ChatStreamEvent): ChatStreamEvent[] | { code: string; message: string };
  flush(): ChatStreamEvent[] | { code: string; message: string };
}

export interface PumpOptions {
  stream: StartedStream;
  encoder: StreamEncoder;
  idleMs: number;
  /** Sees every unified event before it is encoded (usage, finish reasons, text for estimates). */
  observe(ev: ChatStreamEvent): void;
  /** Sees observed events before they are encoded and may hold back, rewrite or refuse them. */
  filter?: PumpFilter;
  /** Called once at the end; may return events to send before the stream closes (e.g. an estimated usage). */
  finish(end: StreamEnd): ChatStreamEvent[];
}

const encoder = new TextEncoder();

export function pumpStream(opts: PumpOptions): ReadableStream<Uint8Array> {
  const { stream } = opts;
  let pending: DecodedStreamItem[] = stream.head;
  let upstreamDone = stream.finished;
  let closed = false;
  let idleFired = false;
  let timer: Timer | undefined;

  const close = (controller: ReadableStreamDefaultController<Uint8Array>, end: StreamEnd): void => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    let text = "";
    // What a filter still holds back belongs before the end; a refusal at this point still ends the stream.
    if (end.kind === "complete" && opts.filter) {
      const held = opts.filter.flush();
      if (Array.isArray(held)) for (const ev of held) text += opts.encoder.event(ev);
      else end = { kind: "refused", code: held.code, message: held.message };
    }
    for (const ev of opts.finish(end)) text += opts.encoder.event(ev);
    if (end.kind === "failed") text += opts.encoder.error(errorCode(end.error), end.error.message);
    else if (end.kind === "refused") text += opts.encoder.error(end.code, end.message);
    else text += opts.encoder.done();
    controller.enqueue(encoder.encode(text));
    controller.close();
  };

  /** Encodes pending items; returns the failure an in-stream error item announces, or a filter's refusal, if any. */
  const drain = (): { text: string; error?: ProviderError; refused?: { code: string; message: string } } => {
    let text = "";
    for (const item of pending) {
      if (item.type === "error") {
        pending = [];
        return { text, error: item.error };
      }
      opts.observe(item);
      if (!opts.filter) {
        text += opts.encoder.event(item);
        continue;
      }
      const out = opts.filter.push(item);
      if (!Array.isArray(out)) {
        pending = [];
        return { text, refused: out };
      }
      for (const ev of out) text += opts.encoder.event(ev);
    }
    pending = [];
    return { text };
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const { text, error, refused } = drain();
          if (text) controller.enqueue(encoder.encode(text));
          if (error) {
            void stream.reader.cancel().catch(() => {});
            return close(controller, { kind: "failed", error });
          }
          if (refused) {
            stream.abort.abort();
            void stream.reader.cancel().catch(() => {});
            return close(controller, { kind: "refused", ...refused });
          }
          if (upstreamDone) return close(controller, { kind: "complete" });
          if (text) return;
          timer = setTimeout(() => {
            idleFired = true;
            stream.abort.abort();
          }, opts.idleMs);
          try {
            const r = await stream.reader.read();
            if (r.done) {
              upstreamDone = true;
              pending = stream.decoder.end();
            } else {
              pending = stream.decoder.push(r.value);
            }
          } catch (err) {
            const message = idleFired ? `no data from the provider for ${opts.idleMs} ms` : err instanceof Error ? err.message : String(err);
            return close(controller, { kind: "failed", error: { kind: idleFired ? "timeout" : "reset", status: 0, message } });
          } finally {
            clearTimeout(timer);
          }
          // The client went away while the read was pending: nothing more may be enqueued.
          if (closed) return;
        }
      },
      cancel() {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        stream.abort.abort();
        void stream.reader.cancel().catch(() => {});
        opts.finish({ kind: "cancelled" });
      },
    },
    { highWaterMark: 0 },
  );
}

function errorCode(e: ProviderError): string {
  switch (e.kind) {
    case "timeout":
      return "upstream_timeout";
    case "rate_limited":
      return "provider_rate_limited";
    case "overloaded":
      return "overloaded";
    case "content_filter":
      return "content_filtered";
    default:
      return "provider_error";
  }
}
