/**
 * One finished call as OTLP/JSON spans (opentelemetry-proto, JSON
 * encoding): the gateway's SERVER span and a CLIENT span per attempt. Ids
 * are lowercase hex, enums integers, 64-bit times decimal strings — as the
 * OTLP/HTTP JSON mapping prescribes.
 */
import type { CallRecord } from "../call-record.ts";
import type { AttributeValue, RequestTrace } from "./request-trace.ts";

const KIND_SERVER = 2;
const KIND_CLIENT = 3;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

export interface OtlpAttribute {
  key: string;
  value: { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  status: { code: number; message?: string };
}

export interface OtlpTracesRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: Array<{ scope: { name: string; version: string }; spans: OtlpSpan[] }>;
  }>;
}

export function tracesRequest(spans: OtlpSpan[], serviceName: string, version: string): OtlpTracesRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes({ "service.name": serviceName, "service.version": version }) },
        scopeSpans: [{ scope: { name: "waygate", version }, spans }],
      },
    ],
  };
}

/** The spans of one call, parent first. */
export function callSpans(trace: RequestTrace, r: CallRecord): OtlpSpan[] {
  const server: OtlpSpan = {
    traceId: trace.traceId,
    spanId: trace.spanId,
    ...(trace.parentSpanId ? { parentSpanId: trace.parentSpanId } : {}),
    name: r.ai ? `${r.method} ${r.ai.endpoint}` : r.method,
    kind: KIND_SERVER,
    startTimeUnixNano: nanos(trace.start),
    endTimeUnixNano: nanos(trace.start + r.total_ms),
    attributes: attributes(serverAttributes(r)),
    // Server spans mark only 5xx as errors (OpenTelemetry HTTP conventions): a 4xx is the client's.
    status: r.status >= 500 ? { code: STATUS_ERROR, message: r.error_code ?? `status ${r.status}` } : { code: STATUS_OK },
  };
  const attempts = trace.attempts.map<OtlpSpan>((a) => ({
    traceId: trace.traceId,
    spanId: a.spanId,
    parentSpanId: trace.spanId,
    name: a.name,
    kind: KIND_CLIENT,
    startTimeUnixNano: nanos(a.start),
    endTimeUnixNano: nanos(a.end || a.start),
    attributes: attributes(a.attributes),
    status: a.error !== null ? { code: STATUS_ERROR, message: a.error } : { code: STATUS_OK },
  }));
  return [server, ...attempts];
}

function serverAttributes(r: CallRecord): Record<string, AttributeValue | null> {
  return {
    "http.request.method": r.method,
    "url.path": r.path,
    "server.address": r.host,
    "client.address": r.client_ip,
    "http.response.status_code": r.status,
    "http.request.body.size": r.request_bytes,
    "http.response.body.size": r.response_bytes,
    "waygate.request_id": r.request_id,
    "waygate.route_id": r.route_id,
    "waygate.service_id": r.service_id,
    "waygate.team_id": r.team_id,
    "waygate.application_id": r.application_id,
    "waygate.error_code": r.error_code,
    "waygate.attempts": r.attempts,
    "gen_ai.system": r.ai?.provider ?? null,
    "gen_ai.request.model": r.ai?.requested_model ?? null,
    "gen_ai.response.model": r.ai?.model ?? null,
    "gen_ai.usage.input_tokens": r.ai ? r.ai.input_tokens : null,
    "gen_ai.usage.output_tokens": r.ai ? r.ai.output_tokens : null,
  };
}

function attributes(values: Record<string, AttributeValue | null>): OtlpAttribute[] {
  const out: OtlpAttribute[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (v === null) continue;
    if (typeof v === "string") out.push({ key, value: { stringValue: v } });
    else if (typeof v === "boolean") out.push({ key, value: { boolValue: v } });
    else if (Number.isInteger(v)) out.push({ key, value: { intValue: String(v) } });
    else out.push({ key, value: { doubleValue: v } });
  }
  return out;
}

/** Epoch ms (fractional) → decimal nanoseconds, exact to the microsecond. */
function nanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}
