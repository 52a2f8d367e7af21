/**
 * Mid-stream errors arrive as a code only (the HTTP status is long sent), yet
 * each dialect's error type is keyed by status. This maps the gateway's error
 * codes and provider error kinds to the status they would have had.
 */
import { ERROR_STATUS } from "../../../core/errors.ts";
import type { ProviderErrorKind } from "../../types.ts";

const KIND_STATUS: Record<ProviderErrorKind, number> = {
  rate_limited: 429,
  auth: 401,
  context_length: 400,
  content_filter: 400,
  invalid_request: 400,
  not_found: 404,
  overloaded: 529,
  server: 500,
  timeout: 504,
  connect: 502,
  reset: 502,
};

export function statusForCode(code: string): number {
  if (Object.hasOwn(ERROR_STATUS, code)) return ERROR_STATUS[code as keyof typeof ERROR_STATUS];
  if (Object.hasOwn(KIND_STATUS, code)) return KIND_STATUS[code as ProviderErrorKind];
  return 500;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}
