/**
 * Policies that must see the request body (validation, masking, guardrails)
 * read it through here: once per request, under the effective size limit,
 * kept on the context so the next policy, the proxy and the AI endpoints all
 * use the same bytes instead of a consumed stream.
 */
import { WaygateError } from "../core/errors.ts";
import type { RequestContext } from "./context.ts";

function tooLarge(limit: number): WaygateError {
  return new WaygateError("payload_too_large", `request body exceeds the limit of ${limit} bytes`);
}

/** The size limit that applies to this request: the service's, or a lower one a policy set. */
export function bodyLimitOf(ctx: RequestContext): number {
  const service = ctx.route?.service.service.max_request_body_bytes ?? Number.POSITIVE_INFINITY;
  return Math.min(service, ctx.maxRequestBodyBytes ?? Number.POSITIVE_INFINITY);
}

/** The whole request body (empty when there is none), or payload_too_large / bad_request. */
export async function bufferedBody(ctx: RequestContext): Promise<Uint8Array | WaygateError> {
  if (ctx.body !== undefined) return ctx.body;
  const limit = bodyLimitOf(ctx);
  const declared = ctx.req.headers.get("content-length");
  if (declared !== null) {
    const length = Number(declared);
    if (!Number.isFinite(length) || length < 0) return new WaygateError("bad_request", "invalid Content-Length");
    if (length > limit) return tooLarge(limit);
  }
  const stream = ctx.req.body;
  if (!stream) {
    ctx.body = new Uint8Array(0);
    return ctx.body;
  }
  // Read chunk by chunk so a body without Content-Length is cut off at the limit, not buffered whole first.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  const body = concatChunks(chunks, size);
  ctx.body = body;
  return body;
}

/** The chunks as one array (the chunk itself when there is only one); `size` is their total length. */
export function concatChunks(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
