/**
 * The flat row a call is stored as, shared by every backend: one column per
 * field (AI fields prefixed), lists and header maps as JSON text.
 */
import type { AiCallFields, CallRecord, CapturedBodies } from "../telemetry/call-record.ts";

export const CALL_COLUMNS = [
  "request_id", "trace_id", "span_id", "ts", "method", "host", "path", "client_ip", "route_id", "service_id", "team_id",
  "application_id", "credential_id", "upstream_id", "target", "attempts", "fallback_path", "panic",
  "status", "error_code", "gateway_ms", "upstream_ttfb_ms", "total_ms", "request_bytes", "response_bytes",
  "ai_endpoint", "ai_requested_model", "ai_virtual_model", "ai_provider", "ai_model", "ai_stream", "input_tokens",
  "output_tokens", "cached_tokens", "reasoning_tokens", "tokens_estimated", "cost_usd", "finish_reason", "ai_attempts",
  "ai_prompt_api", "release_id",
  "request_headers", "request_body", "response_headers", "response_body", "body_truncated",
] as const;

export type CallColumn = (typeof CALL_COLUMNS)[number];

/** Bodies are only read for a single call, never for lists or exports. */
const BODY_COLUMNS: ReadonlySet<CallColumn> = new Set(["request_headers", "request_body", "response_headers", "response_body", "body_truncated"]);

export const LIST_COLUMNS: readonly CallColumn[] = CALL_COLUMNS.filter((c) => !BODY_COLUMNS.has(c));

export type CallValue = string | number | null;

function aiValues(a: AiCallFields | null): CallValue[] {
  if (!a) return [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null];
  return [
    a.endpoint, a.requested_model, a.virtual_model, a.provider, a.model, a.stream ? 1 : 0, a.input_tokens, a.output_tokens,
    a.cached_tokens, a.reasoning_tokens, a.tokens_estimated ? 1 : 0, a.cost_usd, a.finish_reason, JSON.stringify(a.attempts),
    a.prompt_api,
  ];
}

function bodyValues(b: CapturedBodies | null): CallValue[] {
  if (!b) return [null, null, null, null, null];
  return [JSON.stringify(b.request_headers), b.request_body, JSON.stringify(b.response_headers), b.response_body, b.truncated ? 1 : 0];
}

/** The values of one call in CALL_COLUMNS order. */
export function callValues(r: CallRecord): CallValue[] {
  return [
    r.request_id, r.trace_id, r.span_id, r.ts, r.method, r.host, r.path, r.client_ip, r.route_id, r.service_id, r.team_id,
    r.application_id, r.credential_id, r.upstream_id, r.target, r.attempts, JSON.stringify(r.fallback_path),
    r.panic ? 1 : 0, r.status, r.error_code, r.gateway_ms, r.upstream_ttfb_ms, r.total_ms, r.request_bytes, r.response_bytes,
    ...aiValues(r.ai),
    r.release_id,
    ...bodyValues(r.bodies),
  ];
}

type Row = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const optStr = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** PostgreSQL hands back bigint and numeric columns as strings. */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const optNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const flag = (v: unknown): boolean => v === true || v === 1 || v === "1";

function json<T>(v: unknown, fallback: T): T {
  if (typeof v !== "string" || v === "") return fallback;
  return JSON.parse(v) as T;
}

/** A stored row back as a call record (bodies only when the row carries them). */
export function recordFromRow(row: Row): CallRecord {
  const ai: AiCallFields | null =
    row.ai_endpoint === null || row.ai_endpoint === undefined
      ? null
      : {
          endpoint: str(row.ai_endpoint),
          requested_model: str(row.ai_requested_model),
          virtual_model: optStr(row.ai_virtual_model),
          provider: optStr(row.ai_provider),
          model: optStr(row.ai_model),
          stream: flag(row.ai_stream),
          input_tokens: num(row.input_tokens),
          output_tokens: num(row.output_tokens),
          cached_tokens: num(row.cached_tokens),
          reasoning_tokens: num(row.reasoning_tokens),
          tokens_estimated: flag(row.tokens_estimated),
          cost_usd: optNum(row.cost_usd),
          finish_reason: optStr(row.finish_reason),
          attempts: json(row.ai_attempts, []),
          prompt_api: optStr(row.ai_prompt_api),
        };
  const hasBodies = row.request_headers !== null && row.request_headers !== undefined;
  return {
    request_id: str(row.request_id),
    trace_id: optStr(row.trace_id),
    span_id: optStr(row.span_id),
    ts: num(row.ts),
    method: str(row.method),
    host: str(row.host),
    path: str(row.path),
    client_ip: str(row.client_ip),
    route_id: optStr(row.route_id),
    release_id: optStr(row.release_id),
    service_id: optStr(row.service_id),
    team_id: optStr(row.team_id),
    application_id: optStr(row.application_id),
    credential_id: optStr(row.credential_id),
    upstream_id: optStr(row.upstream_id),
    target: optStr(row.target),
    attempts: num(row.attempts),
    fallback_path: json(row.fallback_path, []),
    panic: flag(row.panic),
    status: num(row.status),
    error_code: optStr(row.error_code),
    gateway_ms: num(row.gateway_ms),
    upstream_ttfb_ms: optNum(row.upstream_ttfb_ms),
    total_ms: num(row.total_ms),
    request_bytes: num(row.request_bytes),
    response_bytes: num(row.response_bytes),
    ai,
    bodies: hasBodies
      ? {
          request_headers: json(row.request_headers, {}),
          request_body: optStr(row.request_body),
          response_headers: json(row.response_headers, {}),
          response_body: optStr(row.response_body),
          truncated: flag(row.body_truncated),
        }
      : null,
  };
}
