/**
 * OpenAI-family error classification: the status gives the default kind,
 * the body's code refines it (a 400 may be a context-length or content
 * filter failure; a 404 an unknown model or Azure deployment).
 */
import type { ProviderError, ProviderErrorKind } from "../../types.ts";
import { readErrorBody, readErrorObject, type ErrorDetail } from "../shared/error-body.ts";
import { kindForStatus, looksLikeContextLength, providerError, statusForKind } from "../shared/error-kind.ts";

const CODE_KINDS: Record<string, ProviderErrorKind> = {
  context_length_exceeded: "context_length",
  string_above_max_length: "context_length",
  content_filter: "content_filter", // Azure
  content_policy_violation: "content_filter",
  invalid_prompt: "content_filter", // prompt flagged by OpenAI's usage policy
  ResponsibleAIPolicyViolation: "content_filter",
  model_not_found: "not_found",
  DeploymentNotFound: "not_found",
  rate_limit_exceeded: "rate_limited",
  insufficient_quota: "rate_limited",
  invalid_api_key: "auth",
  server_error: "server",
};

/** The kind a body's code or message implies, when it implies one. */
export function kindFromDetail(detail: ErrorDetail): ProviderErrorKind | undefined {
  const byCode = detail.code === undefined ? undefined : CODE_KINDS[detail.code];
  if (byCode !== undefined) return byCode;
  const byType = detail.type === undefined ? undefined : CODE_KINDS[detail.type];
  if (byType !== undefined) return byType;
  return looksLikeContextLength(detail) ? "context_length" : undefined;
}

export function classifyOpenAiError(status: number, body: string, headers: Headers): ProviderError {
  const detail = readErrorBody(body);
  const byStatus = kindForStatus(status);
  const byBody = kindFromDetail(detail);
  // The body refines client errors only; a 5xx or 429 stays what its status says.
  const kind = byBody !== undefined && byStatus !== "server" && byStatus !== "overloaded" && byStatus !== "rate_limited" ? byBody : byStatus;
  return providerError(kind, status, detail, headers);
}

/** An `{"error": …}` payload inside a 200 stream. */
export function inStreamError(error: unknown): ProviderError {
  const detail = readErrorObject(error) ?? { message: "provider reported an error in the stream" };
  const kind = kindFromDetail(detail) ?? "server";
  return providerError(kind, statusForKind(kind), detail);
}
