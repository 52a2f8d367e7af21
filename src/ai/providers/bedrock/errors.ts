/**
 * Bedrock runtime errors. The type comes in the `x-amzn-ErrorType` header
 * (`ThrottlingException:http://internal.amazon.com/…`), the text in the
 * body's `message` (or `Message`). Inside a ConverseStream the same types
 * arrive as exception frames (`:exception-type` throttlingException, …).
 */
import type { ProviderError, ProviderErrorKind } from "../../types.ts";
import type { ErrorDetail } from "../shared/error-body.ts";
import { kindForStatus, providerError, statusForKind } from "../shared/error-kind.ts";
import { obj, parseJson, str } from "../shared/json.ts";

const KIND_BY_TYPE: Record<string, ProviderErrorKind> = {
  ThrottlingException: "rate_limited",
  ServiceQuotaExceededException: "rate_limited",
  AccessDeniedException: "auth",
  UnrecognizedClientException: "auth",
  InvalidSignatureException: "auth",
  IncompleteSignatureException: "auth",
  ExpiredTokenException: "auth",
  ResourceNotFoundException: "not_found",
  ValidationException: "invalid_request",
  ModelNotReadyException: "overloaded",
  ServiceUnavailableException: "overloaded",
  ModelTimeoutException: "timeout",
  InternalServerException: "server",
  ModelErrorException: "server",
  ModelStreamErrorException: "server",
};

/** ValidationException texts meaning the prompt does not fit the model. */
const TOO_LONG = /too long|too many (input )?tokens|context (window|length)|exceeds? (the )?(maximum|max).*(tokens|context)/i;
const FILTERED = /guardrail|content filter|blocked/i;

function classify(type: string | undefined, detail: ErrorDetail, status: number): ProviderErrorKind {
  const byType = type !== undefined ? KIND_BY_TYPE[type] : undefined;
  if ((byType === "invalid_request" || byType === undefined) && TOO_LONG.test(detail.message)) return "context_length";
  if ((byType === "invalid_request" || byType === undefined) && FILTERED.test(detail.message)) return "content_filter";
  return byType ?? kindForStatus(status);
}

function detailOf(body: string, type: string | undefined): ErrorDetail {
  const root = obj(parseJson(body));
  const message = str(root?.message) ?? str(root?.Message) ?? (body.trim().slice(0, 2000) || "(empty error body)");
  return type !== undefined ? { message, code: type } : { message };
}

/** `ThrottlingException:http://…` → `ThrottlingException`; also accepts the stream's camelCase names. */
function errorType(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const name = raw.split(":")[0]?.trim() ?? "";
  if (name === "") return undefined;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function bedrockError(status: number, body: string, headers: Headers): ProviderError {
  const type = errorType(headers.get("x-amzn-errortype")) ?? errorType(str(obj(parseJson(body))?.__type));
  const detail = detailOf(body, type);
  return providerError(classify(type, detail, status), status, detail, headers);
}

/** An exception frame inside a ConverseStream (`:exception-type` throttlingException etc.). */
export function bedrockStreamError(exceptionType: string | undefined, body: string): ProviderError {
  const type = errorType(exceptionType);
  const detail = detailOf(body, type);
  const kind = classify(type, detail, 500);
  return providerError(kind, statusForKind(kind), detail);
}
