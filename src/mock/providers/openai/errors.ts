/**
 * OpenAI's error bodies and statuses: `{error:{message,type,param,code}}`;
 * 429s carry Retry-After and x-ratelimit-* headers as OpenAI sends them.
 */
import { jsonResponse } from "../../common/http.ts";
import type { MockFault } from "../../types.ts";

export interface OpenAIErrorFields {
  message: string;
  type: string | null;
  param?: string | null;
  code?: string | null;
}

export function openaiError(status: number, e: OpenAIErrorFields, headers: Record<string, string> = {}): Response {
  const error = { message: e.message, type: e.type, param: e.param ?? null, code: e.code ?? null };
  return jsonResponse({ error }, status, { "x-request-id": `req_${crypto.randomUUID().replaceAll("-", "")}`, ...headers });
}

export function missingKey(): Response {
  return openaiError(401, {
    message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    type: "invalid_request_error",
  });
}

export function invalidKey(key: string): Response {
  return openaiError(401, {
    message: `Incorrect API key provided: ${key.slice(0, 3)}***${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: "invalid_request_error",
    code: "invalid_api_key",
  });
}

export function badRequest(message: string, param: string | null = null): Response {
  return openaiError(400, { message, type: "invalid_request_error", param });
}

export function notFound(path: string): Response {
  return openaiError(404, { message: `Invalid URL (${path})`, type: "invalid_request_error" });
}

export function contextLengthExceeded(): Response {
  return openaiError(400, {
    message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
    type: "invalid_request_error",
    param: "messages",
    code: "context_length_exceeded",
  });
}

export function rateLimitHeaders(retryAfterSeconds: number): Record<string, string> {
  return {
    "retry-after": String(retryAfterSeconds),
    "x-ratelimit-limit-requests": "500",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-reset-requests": `${retryAfterSeconds}s`,
    "x-ratelimit-limit-tokens": "30000",
    "x-ratelimit-remaining-tokens": "0",
    "x-ratelimit-reset-tokens": `${retryAfterSeconds}s`,
  };
}

/** The response for a `status` fault, shaped as OpenAI answers that status. */
export function statusError(status: number, retryAfterSeconds?: number): Response {
  switch (status) {
    case 401:
      return invalidKey("sk-mock-revoked");
    case 429:
      return openaiError(
        429,
        { message: "Rate limit reached for requests. Please try again later.", type: "requests", code: "rate_limit_exceeded" },
        rateLimitHeaders(retryAfterSeconds ?? 1),
      );
    case 400:
      return badRequest("Invalid request.");
    case 403:
      return openaiError(403, { message: "You are not allowed to sample from this model.", type: "invalid_request_error", code: "model_not_allowed" });
    case 404:
      return openaiError(404, { message: "The model does not exist or you do not have access to it.", type: "invalid_request_error", code: "model_not_found" });
    case 503:
      return openaiError(503, { message: "The engine is currently overloaded, please try again later.", type: "server_error", code: "overloaded" });
    default: {
      const headers: Record<string, string> = retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : {};
      return status >= 500
        ? openaiError(status, { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: "server_error" }, headers)
        : openaiError(status, { message: `Request failed with status ${status}.`, type: "invalid_request_error" }, headers);
    }
  }
}

/** Error responses for the error-kind faults; content_filter is left to the caller (a finish reason on OpenAI). */
export function faultError(fault: MockFault | undefined): Response | undefined {
  if (fault?.kind === "status") return statusError(fault.status, fault.retryAfterSeconds);
  if (fault?.kind === "context_length") return contextLengthExceeded();
  return undefined;
}
