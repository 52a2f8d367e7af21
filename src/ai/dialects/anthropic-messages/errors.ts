/** Anthropic's error body `{type:"error", error:{type, message}}`, typed by status as Anthropic's API types them. */
import { jsonResponse } from "../shared/status.ts";

export function anthropicErrorType(status: number): string {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 504:
      return "timeout_error";
  }
  return status >= 500 ? "api_error" : "invalid_request_error";
}

export function anthropicErrorBody(status: number, message: string): { type: "error"; error: { type: string; message: string } } {
  return { type: "error", error: { type: anthropicErrorType(status), message } };
}

/**
 * Anthropic's body has no slot for a code or param, so the gateway's stable
 * code travels in the `x-waygate-error-code` header and the param is named
 * in the message.
 */
export function renderAnthropicError(status: number, code: string, message: string, param?: string): Response {
  const text = param && !message.includes(param) ? `${param}: ${message}` : message;
  return jsonResponse(status, anthropicErrorBody(status, text), { "x-waygate-error-code": code });
}
