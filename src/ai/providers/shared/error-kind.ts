/**
 * Default classification of provider failures by HTTP status, and the
 * reverse (the status an in-stream error would have had), shared by every
 * adapter. Adapters refine with what their bodies say (context length,
 * content filter).
 */
import type { ProviderError, ProviderErrorKind } from "../../types.ts";
import type { ErrorDetail } from "./error-body.ts";
import { retryAfterMs } from "./retry-after.ts";

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 429) return "rate_limited";
  if (status === 503 || status === 529) return "overloaded";
  if (status === 504) return "timeout";
  if (status >= 500) return "server";
  if (status === 0) return "connect";
  return "invalid_request";
}

const STATUS_FOR_KIND: Record<ProviderErrorKind, number> = {
  rate_limited: 429,
  auth: 401,
  context_length: 400,
  content_filter: 400,
  invalid_request: 400,
  not_found: 404,
  overloaded: 503,
  server: 500,
  timeout: 504,
  connect: 0,
  reset: 0,
};

/** The HTTP status matching a kind, for errors that arrive inside a 200 stream. */
export function statusForKind(kind: ProviderErrorKind): number {
  return STATUS_FOR_KIND[kind];
}

/** Messages that mean "the prompt does not fit", across providers and OpenAI-compatible servers. */
const CONTEXT_LENGTH_TEXT =
  /context[_ ]length|context window|maximum context|too many tokens|prompt is too long|input is too long|too large for model/i;

export function looksLikeContextLength(detail: ErrorDetail): boolean {
  return CONTEXT_LENGTH_TEXT.test(detail.message) || CONTEXT_LENGTH_TEXT.test(detail.code ?? "");
}

/** Builds a ProviderError, attaching Retry-After when the provider sent one. */
export function providerError(kind: ProviderErrorKind, status: number, detail: ErrorDetail, headers?: Headers): ProviderError {
  const err: ProviderError = { kind, status, message: detail.message };
  if (detail.code !== undefined) err.providerCode = detail.code;
  const wait = headers ? retryAfterMs(headers) : undefined;
  if (wait !== undefined) err.retryAfterMs = wait;
  return err;
}

/** A stream that ended before its terminal event. */
export function resetError(message: string): ProviderError {
  return { kind: "reset", status: 0, message };
}
