/**
 * Anthropic error bodies: `{"type":"error","error":{"type","message"}}`.
 * 529 overloaded_error, 429 rate_limit_error (with Retry-After),
 * 400 "prompt is too long: N tokens > M maximum" → context_length.
 */
import type { ProviderError, ProviderErrorKind } from "../../types.ts";
import { readErrorBody, readErrorObject } from "../shared/error-body.ts";
import { obj } from "../shared/json.ts";
import { kindForStatus, looksLikeContextLength, providerError, statusForKind } from "../shared/error-kind.ts";

const KIND_BY_TYPE: Record<string, ProviderErrorKind> = {
  authentication_error: "auth",
  permission_error: "auth",
  not_found_error: "not_found",
  rate_limit_error: "rate_limited",
  overloaded_error: "overloaded",
  api_error: "server",
  invalid_request_error: "invalid_request",
  timeout_error: "timeout",
};

export function anthropicError(status: number, body: string, headers: Headers): ProviderError {
  const detail = readErrorBody(body);
  const kind = looksLikeContextLength(detail) ? "context_length" : kindForStatus(status);
  return providerError(kind, status, detail, headers);
}

/** An `event: error` inside a 200 stream, e.g. `{"type":"error","error":{"type":"overloaded_error",…}}`. */
export function anthropicStreamError(payload: unknown): ProviderError {
  const detail = readErrorObject(obj(payload)?.error ?? payload) ?? { message: "stream error" };
  const kind = looksLikeContextLength(detail) ? "context_length" : (KIND_BY_TYPE[detail.type ?? ""] ?? "server");
  return providerError(kind, statusForKind(kind), detail);
}
