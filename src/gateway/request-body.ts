/**
 * The request body on its way upstream. Small bodies of requests that may be
 * retried are buffered (so a retry can resend them, as Envoy's retry buffer
 * does); everything else streams through untouched. Either way the size
 * limit is enforced while reading, since Content-Length may be absent.
 */
import { WaygateError } from "../core/errors.ts";

/** Bodies up to this size are buffered when a retry could need them again. */
export const RETRY_BUFFER_BYTES = 64 * 1024;

export interface PreparedBody {
  body: ArrayBuffer | ReadableStream<Uint8Array> | null;
  /** Whether the body can be sent again on a retry. */
  replayable: boolean;
  /** Set once the streamed body has been read to the end; its size. */
  bytes(): number;
  /** True when a streamed body was cut off for exceeding the limit. */
  overLimit(): boolean;
}

function tooLarge(limit: number): WaygateError {
  return new WaygateError("payload_too_large", `request body exceeds the limit of ${limit} bytes`);
}

const NO_BODY: PreparedBody = { body: null, replayable: true, bytes: () => 0, overLimit: () => false };

export async function prepareBody(req: Request, limit: number, mayRetry: boolean, buffered?: Uint8Array): Promise<PreparedBody | WaygateError> {
  // A policy already read (and maybe rewrote) the body; send exactly those bytes.
  if (buffered !== undefined) {
    if (buffered.byteLength === 0) return NO_BODY;
    if (buffered.byteLength > limit) return tooLarge(limit);
    const copy = buffered.slice().buffer;
    return { body: copy, replayable: true, bytes: () => copy.byteLength, overLimit: () => false };
  }
  const declared = req.headers.get("content-length");
  const length = declared !== null ? Number(declared) : undefined;
  if (length !== undefined && (!Number.isFinite(length) || length < 0)) {
    return new WaygateError("bad_request", "invalid Content-Length");
  }
  if (length !== undefined && length > limit) return tooLarge(limit);
  // HTTP/1.1 framing: without Content-Length or Transfer-Encoding there is no body (and req.body is not worth creating).
  if (length === 0 || (length === undefined && !req.headers.has("transfer-encoding")) || !req.body) return NO_BODY;

  if (mayRetry && length !== undefined && length <= RETRY_BUFFER_BYTES) {
    const buf = await req.arrayBuffer();
    return { body: buf, replayable: true, bytes: () => buf.byteLength, overLimit: () => false };
  }

  let seen = 0;
  let exceeded = false;
  const limiter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) {
        exceeded = true;
        controller.error(tooLarge(limit));
        return;
      }
      controller.enqueue(chunk);
    },
  });
  // Node's stream typings (pulled in by some SDKs) disagree with Bun's on async iterators; the objects are the same.
  const counted = req.body.pipeThrough(limiter as unknown as Parameters<typeof req.body.pipeThrough>[0]) as ReadableStream<Uint8Array>;
  return { body: counted, replayable: false, bytes: () => seen, overLimit: () => exceeded };
}
