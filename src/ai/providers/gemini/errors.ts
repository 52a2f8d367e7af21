/**
 * Google API errors (Gemini API and Vertex AI): `{"error":{"code","message",
 * "status","details"}}`, sometimes wrapped in a one-element array. The
 * canonical `status` says more than the HTTP code: RESOURCE_EXHAUSTED is a
 * rate limit (its RetryInfo detail says how long to wait), an
 * INVALID_ARGUMENT about the input token count is a context-length error,
 * and an invalid API key is a 400 INVALID_ARGUMENT with reason
 * API_KEY_INVALID — an auth failure, not the client's fault.
 */
import type { ProviderError, ProviderErrorKind } from "../../types.ts";
import type { ErrorDetail } from "../shared/error-body.ts";
import { kindForStatus, looksLikeContextLength, providerError, statusForKind } from "../shared/error-kind.ts";
import { arr, num, obj, parseJson, str, type JsonObject } from "../shared/json.ts";

const KIND_BY_STATUS: Record<string, ProviderErrorKind> = {
  RESOURCE_EXHAUSTED: "rate_limited",
  UNAUTHENTICATED: "auth",
  PERMISSION_DENIED: "auth",
  NOT_FOUND: "not_found",
  UNAVAILABLE: "overloaded",
  DEADLINE_EXCEEDED: "timeout",
  INTERNAL: "server",
  INVALID_ARGUMENT: "invalid_request",
  FAILED_PRECONDITION: "invalid_request",
};

const TOKEN_LIMIT = /input token count|exceeds the maximum number of tokens|token count exceeds|exceeds the context|too many tokens/i;
const SAFETY = /\bsafety\b|prohibited content|blocked by|responsible ai/i;

interface GoogleError {
  detail: ErrorDetail;
  reasons: string[];
  retryDelayMs?: number;
}

function readGoogleError(raw: unknown): GoogleError | undefined {
  const e = obj(raw);
  if (!e) return undefined;
  const status = str(e.status);
  const detail: ErrorDetail = { message: str(e.message) ?? JSON.stringify(e) };
  const code = status ?? (num(e.code) !== undefined ? String(e.code) : undefined);
  if (code !== undefined) detail.code = code;
  const details = arr(e.details).map(obj).filter((d): d is JsonObject => d !== undefined);
  const reasons = details.map((d) => str(d.reason)).filter((r): r is string => r !== undefined);
  const delay = details.map((d) => str(d.retryDelay)).find((d) => d !== undefined);
  const out: GoogleError = { detail, reasons };
  const ms = delay !== undefined ? durationMs(delay) : undefined;
  if (ms !== undefined) out.retryDelayMs = ms;
  return out;
}

/** protobuf Duration JSON: "37s", "1.5s". */
function durationMs(d: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(d.trim());
  return m ? Math.round(Number.parseFloat(m[1] ?? "0") * 1000) : undefined;
}

function classify(httpStatus: number | undefined, e: GoogleError): ProviderErrorKind {
  const { detail } = e;
  if (e.reasons.includes("API_KEY_INVALID") || /api key not valid/i.test(detail.message)) return "auth";
  if (TOKEN_LIMIT.test(detail.message) || looksLikeContextLength(detail)) return "context_length";
  if (SAFETY.test(detail.message) && detail.code !== "RESOURCE_EXHAUSTED") return "content_filter";
  const byStatus = detail.code !== undefined ? KIND_BY_STATUS[detail.code] : undefined;
  if (byStatus) return byStatus;
  return httpStatus !== undefined ? kindForStatus(httpStatus) : "server";
}

export function geminiError(status: number, body: string, headers: Headers): ProviderError {
  const parsed = parseJson(body);
  const root = obj(Array.isArray(parsed) ? parsed[0] : parsed);
  const e = readGoogleError(root?.error);
  if (!e) return providerError(kindForStatus(status), status, { message: body.trim().slice(0, 2000) || "(empty error body)" }, headers);
  const err = providerError(classify(status, e), status, e.detail, headers);
  if (err.retryAfterMs === undefined && e.retryDelayMs !== undefined) err.retryAfterMs = e.retryDelayMs;
  return err;
}

/** An `{"error":{…}}` object arriving inside a 200 stream. */
export function geminiStreamError(raw: unknown): ProviderError {
  const e = readGoogleError(raw) ?? { detail: { message: "stream error" }, reasons: [] };
  const httpCode = num(obj(raw)?.code);
  const kind = classify(httpCode, e);
  const err = providerError(kind, httpCode ?? statusForKind(kind), e.detail);
  if (e.retryDelayMs !== undefined) err.retryAfterMs = e.retryDelayMs;
  return err;
}
