/**
 * Sends pre-framed stream events (SSE text or binary frames) one by one,
 * with an optional delay before each, and cuts the connection after
 * `cutAfter` events when a midstream fault asks for it: the client has
 * received those events, then the body errors like a dropped connection.
 */
import type { StreamTiming } from "./transport.ts";
import { sleep } from "./transport.ts";

const encoder = new TextEncoder();

export interface StreamOptions extends StreamTiming {
  contentType: string;
  headers?: Record<string, string>;
  signal: AbortSignal;
}

export function streamResponse(events: Array<string | Uint8Array>, opts: StreamOptions): Response {
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (opts.cutAfter !== undefined && i >= opts.cutAfter) {
        // Give the socket a moment to flush what was sent, then drop it.
        await sleep(20);
        controller.error(undefined);
        return;
      }
      const event = events[i++];
      if (event === undefined || opts.signal.aborted) {
        controller.close();
        return;
      }
      await sleep(opts.perEventMs, opts.signal);
      controller.enqueue(typeof event === "string" ? encoder.encode(event) : event);
    },
  });
  const headers = { "content-type": opts.contentType, "cache-control": "no-cache", ...opts.headers };
  return new Response(body, { status: 200, headers });
}
