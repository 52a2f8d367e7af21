/** Google API error bodies: `{"error": {"code", "message", "status", "details"?}}`. */
import { jsonResponse } from "../../common/http.ts";

const STATUS_NAMES: Record<number, [string, string]> = {
  400: ["INVALID_ARGUMENT", "Request contains an invalid argument."],
  401: ["UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."],
  403: ["PERMISSION_DENIED", "The caller does not have permission"],
  404: ["NOT_FOUND", "Requested entity was not found."],
  409: ["ABORTED", "The operation was aborted."],
  429: ["RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details."],
  499: ["CANCELLED", "The operation was cancelled."],
  500: ["INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"],
  501: ["UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled."],
  503: ["UNAVAILABLE", "The model is overloaded. Please try again later."],
  504: ["DEADLINE_EXCEEDED", "The request timed out. Please try again."],
};

export function statusFor(code: number): [string, string] {
  return STATUS_NAMES[code] ?? (code >= 500 ? ["INTERNAL", "An internal error has occurred."] : ["FAILED_PRECONDITION", "Precondition check failed."]);
}

export function errorObject(code: number, message?: string, details?: unknown[]): { error: Record<string, unknown> } {
  const [status, fallback] = statusFor(code);
  return { error: { code, message: message ?? fallback, status, ...(details ? { details } : {}) } };
}

export function googleError(code: number, message?: string, details?: unknown[], headers: Record<string, string> = {}): Response {
  return jsonResponse(errorObject(code, message, details), code, { "content-type": "application/json; charset=UTF-8", ...headers });
}

export function googleStatusError(code: number, retryAfterSeconds?: number): Response {
  if (retryAfterSeconds === undefined) return googleError(code);
  const retryInfo = { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retryAfterSeconds}s` };
  return googleError(code, undefined, [retryInfo], { "retry-after": String(retryAfterSeconds) });
}

/** What the Gemini API answers for a bad key: a 400, not a 401. */
export function apiKeyInvalid(): Response {
  return googleError(400, "API key not valid. Please pass a valid API key.", [
    { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
  ]);
}

export class GeminiInvalid extends Error {}

export function invalid(message: string): never {
  throw new GeminiInvalid(message);
}
