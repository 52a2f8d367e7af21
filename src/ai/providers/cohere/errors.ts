/**
 * Cohere errors: `{"message": "…"}` (sometimes with an `id`). Statuses
 * follow HTTP, plus 498 (invalid token) and 402 (billing) which both mean
 * the key cannot be used; a 400 "too many tokens" is a context-length error.
 */
import type { ProviderError } from "../../types.ts";
import { readErrorBody } from "../shared/error-body.ts";
import { kindForStatus, looksLikeContextLength, providerError } from "../shared/error-kind.ts";

export function cohereError(status: number, body: string, headers: Headers): ProviderError {
  const detail = readErrorBody(body);
  const kind = looksLikeContextLength(detail) ? "context_length" : status === 402 || status === 498 ? "auth" : kindForStatus(status);
  return providerError(kind, status, detail, headers);
}
