/** Anthropic's error bodies, types per status and rate-limit headers. */
import { jsonResponse } from "../../common/http.ts";
import { prefixedId } from "../../common/ids.ts";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

const BY_STATUS: Record<number, [AnthropicErrorType, string]> = {
  400: ["invalid_request_error", "Invalid request"],
  401: ["authentication_error", "invalid x-api-key"],
  402: ["billing_error", "Your credit balance is too low to access the Anthropic API."],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "Not found"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timed out"],
  529: ["overloaded_error", "Overloaded"],
};

export function errorTypeForStatus(status: number): [AnthropicErrorType, string] {
  return BY_STATUS[status] ?? (status >= 500 ? ["api_error", "Internal server error"] : ["invalid_request_error", "Invalid request"]);
}

export function requestId(): string {
  return prefixedId("req_", 24);
}

export function errorBody(type: AnthropicErrorType, message: string, reqId: string): unknown {
  return { type: "error", error: { type, message }, request_id: reqId };
}

export function anthropicError(status: number, type: AnthropicErrorType, message: string, extraHeaders: Record<string, string> = {}): Response {
  const reqId = requestId();
  return jsonResponse(errorBody(type, message, reqId), status, { "request-id": reqId, "x-should-retry": String(status === 429 || status >= 500), ...extraHeaders });
}

/** The error a `status` fault asks for, with Anthropic's rate-limit headers on 429. */
export function anthropicStatusError(status: number, retryAfterSeconds?: number): Response {
  const [type, message] = errorTypeForStatus(status);
  const headers: Record<string, string> = {};
  if (status === 429) {
    const retry = retryAfterSeconds ?? 1;
    const reset = new Date(Date.now() + retry * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    headers["retry-after"] = String(retry);
    headers["anthropic-ratelimit-requests-limit"] = "50";
    headers["anthropic-ratelimit-requests-remaining"] = "0";
    headers["anthropic-ratelimit-requests-reset"] = reset;
    headers["anthropic-ratelimit-tokens-limit"] = "40000";
    headers["anthropic-ratelimit-tokens-remaining"] = "0";
    headers["anthropic-ratelimit-tokens-reset"] = reset;
  } else if (retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(retryAfterSeconds);
  }
  return anthropicError(status, type, message, headers);
}
