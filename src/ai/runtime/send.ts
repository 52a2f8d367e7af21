/**
 * One attempt of a chat request against one provider key: build the request
 * with the adapter, send it with the same attempt machinery as REST traffic
 * (connect check, time-to-first-byte timeout, client abort), and classify
 * the result. A stream counts as "started" only once its first content event
 * has arrived: until then a failure can still fall back invisibly.
 */
import type { RequestTrace } from "../../telemetry/tracing/request-trace.ts";
import type { TimeoutsConfig } from "../../config/entities.ts";
import type { TargetRuntime } from "../../upstream/target.ts";
import type { AttemptOutcome } from "../../upstream/types.ts";
import type { DecodedStreamItem, StreamDecoder } from "../provider.ts";
import type { ChatRequest, ChatResponse, ProviderError } from "../types.ts";
import type { ProviderRuntime } from "./provider-runtime.ts";
import { readJsonAnswer, sendHttp } from "./send-http.ts";

/** The part of a stream reader the pump needs. */
export interface ByteReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

export interface StartedStream {
  /** Events decoded before the stream was handed over (at least one content event, or the end). */
  head: DecodedStreamItem[];
  reader: ByteReader;
  decoder: StreamDecoder;
  abort: AbortController;
  /** True when the upstream body already ended while reading the head. */
  finished: boolean;
}

export type SendResult =
  | { ok: true; response: ChatResponse; ttfbMs: number }
  | { ok: true; stream: StartedStream; ttfbMs: number }
  | { ok: false; error: ProviderError };

export interface SendInput {
  provider: ProviderRuntime;
  target: TargetRuntime;
  request: ChatRequest;
  timeouts: TimeoutsConfig;
  signal: AbortSignal;
  trace?: RequestTrace | undefined;
}

export async function sendChat(input: SendInput): Promise<SendResult> {
  const { provider, target, request } = input;
  const answer = await sendHttp(
    provider,
    target,
    () => provider.adapter.chatRequest(request, provider.endpoint(request.model), provider.credential(target)),
    input.timeouts,
    input.signal,
    input.trace,
  );
  if (!answer.ok) return answer;
  if (!request.stream) {
    const r = await readJsonAnswer(provider, target, answer, (body) => provider.adapter.chatResponse(body, request));
    return r.ok ? { ok: true, response: r.value, ttfbMs: r.ttfbMs } : r;
  }

  const res = answer;
  const response = res.response as Response & { body: ReadableStream<Uint8Array> };
  const outcome: AttemptOutcome = { kind: "response", status: response.status, durationMs: res.ttfbMs };
  // The key is counted busy until the stream ends; report() uncounts the selection.
  target.begin();
  provider.pool.report(target, outcome);
  const head = await readHead(response.body, provider.adapter.chatStream(request), input.timeouts.idle_ms, res.abort);
  if ("error" in head) {
    // This second report also releases the stream's hold on the key.
    provider.pool.report(target, { kind: "reset", durationMs: res.ttfbMs, message: head.error.message });
    provider.onError(target, head.error);
    return { ok: false, error: head.error };
  }
  provider.onSuccess(target);
  return { ok: true, stream: { ...head.stream, abort: res.abort }, ttfbMs: res.ttfbMs };
}

/** Reads until the first content event (or the end); an error before any content is a failed attempt. */
async function readHead(
  body: ReadableStream<Uint8Array>,
  decoder: StreamDecoder,
  idleMs: number,
  abort: AbortController,
): Promise<{ stream: Omit<StartedStream, "abort"> } | { error: ProviderError }> {
  const reader: ByteReader = body.getReader() as unknown as ByteReader;
  const head: DecodedStreamItem[] = [];
  const timer = setTimeout(() => abort.abort(), idleMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const items = done ? decoder.end() : decoder.push(value);
      for (const item of items) {
        if (item.type === "error" && !head.some(isContent)) {
          void reader.cancel().catch(() => {});
          return { error: item.error };
        }
        head.push(item);
      }
      if (done) return { stream: { head, reader, decoder, finished: true } };
      if (head.some(isContent)) return { stream: { head, reader, decoder, finished: false } };
      timer.refresh();
    }
  } catch (err) {
    return { error: { kind: abort.signal.aborted ? "timeout" : "reset", status: 0, message: err instanceof Error ? err.message : String(err) } };
  } finally {
    clearTimeout(timer);
  }
}

function isContent(item: DecodedStreamItem): boolean {
  return item.type !== "start" && item.type !== "usage" && item.type !== "error";
}
