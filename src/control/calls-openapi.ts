/** The /admin/calls endpoints in the admin OpenAPI document (./calls.ts serves them). */
import { CSV_HEADER } from "../calls/export.ts";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../calls/query-params.ts";

type JsonObject = Record<string, unknown>;

const str = { type: "string" };
const nullableStr = { type: ["string", "null"] };
const num = { type: "number" };
const nullableNum = { type: ["number", "null"] };
const int = { type: "integer" };

const AiFields: JsonObject = {
  type: ["object", "null"],
  properties: {
    endpoint: str, requested_model: str, virtual_model: nullableStr, provider: nullableStr, model: nullableStr,
    stream: { type: "boolean" }, input_tokens: int, output_tokens: int, cached_tokens: int, reasoning_tokens: int,
    tokens_estimated: { type: "boolean" }, cost_usd: nullableNum, finish_reason: nullableStr,
    attempts: {
      type: "array",
      items: { type: "object", properties: { provider: str, model: str, key: str, result: str, status: int, ms: num } },
    },
  },
};

const headerMap = { type: "object", additionalProperties: str, description: "Lower-cased names; credentials are [redacted]" };

const Bodies: JsonObject = {
  type: ["object", "null"],
  description: "Captured headers and bodies (log_bodies), masked and capped; only on GET /admin/calls/{request_id}",
  properties: { request_headers: headerMap, request_body: nullableStr, response_headers: headerMap, response_body: nullableStr, truncated: { type: "boolean" } },
};

const Call: JsonObject = {
  type: "object",
  properties: {
    request_id: str, trace_id: nullableStr, span_id: nullableStr,
    ts: { type: "integer", description: "Arrival, epoch milliseconds" },
    method: str, host: str, path: str, client_ip: str,
    route_id: nullableStr, service_id: nullableStr, team_id: nullableStr, application_id: nullableStr, credential_id: nullableStr,
    upstream_id: nullableStr, target: nullableStr, attempts: int, fallback_path: { type: "array", items: str }, panic: { type: "boolean" },
    status: int, error_code: nullableStr, gateway_ms: num, upstream_ttfb_ms: nullableNum, total_ms: num,
    request_bytes: int, response_bytes: int, ai: AiFields, bodies: Bodies,
  },
};

const q = (name: string, description: string, schema: JsonObject = str): JsonObject => ({ name, in: "query", required: false, description, schema });

const FILTERS: JsonObject[] = [
  q("from", "ISO 8601 time or epoch milliseconds, inclusive"),
  q("to", "ISO 8601 time or epoch milliseconds, exclusive"),
  q("team", "Team id"),
  q("service", "Service id"),
  q("route", "Route id"),
  q("application", "Application id"),
  q("status", "A class (2xx … 5xx) or an exact status (429)", { type: "string", pattern: "^([1-5]xx|[1-5][0-9][0-9])$" }),
  q("error_code", "A stable error code"),
  q("provider", "AI provider that answered"),
  q("model", "AI model that answered"),
  q("min_latency_ms", "Total time at least this", { type: "number", minimum: 0 }),
  q("request_id", "One call"),
  q("q", "Text searched, case-insensitively, in the path and the error code"),
];

const response = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });
const errors = (...names: string[]): JsonObject =>
  Object.fromEntries([["401", response("Unauthorized")], ...names.map((n) => [n === "NotFound" ? "404" : "400", response(n)]), ["403", response("Forbidden")], ["500", response("InternalError")]]);

export function callPaths(): JsonObject {
  return {
    "/admin/calls": {
      get: {
        operationId: "listCalls",
        tags: ["calls"],
        summary: "Search the call log, newest first, within the caller's teams",
        parameters: [
          ...FILTERS,
          q("limit", "Page size", { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }),
          q("cursor", "The `next` value of the previous page"),
        ],
        responses: {
          "200": {
            description: "One page",
            content: { "application/json": { schema: { type: "object", properties: { items: { type: "array", items: Call }, next: str }, required: ["items"] } } },
          },
          ...errors("BadRequest"),
        },
      },
    },
    "/admin/calls/export": {
      get: {
        operationId: "exportCalls",
        tags: ["calls"],
        summary: "Every matching call within the caller's teams, streamed as NDJSON or CSV",
        parameters: [q("format", "Export format", { enum: ["ndjson", "csv"], default: "ndjson" }), ...FILTERS],
        responses: {
          "200": {
            description: "The calls, newest first; bodies are never exported",
            content: {
              "application/x-ndjson": { schema: { type: "string", description: "One call (as in listCalls) per line" } },
              "text/csv": { schema: { type: "string", description: `RFC 4180 with a header row: ${CSV_HEADER.join(",")}` } },
            },
          },
          ...errors("BadRequest"),
        },
      },
    },
    "/admin/calls/drops": {
      get: {
        operationId: "getCallLogDrops",
        tags: ["calls"],
        summary: "Calls and bodies the call log dropped since the gateway started, by cause (system admins)",
        responses: {
          "200": {
            description: "OK",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    backend: { enum: ["sqlite", "postgres"] },
                    queued: int,
                    written: int,
                    records_dropped: { type: "object", properties: { queue_full: int, write_failed: int, total: int } },
                    bodies_dropped: int,
                    failed_batches: int,
                  },
                },
              },
            },
          },
          ...errors(),
        },
      },
    },
    "/admin/calls/{request_id}": {
      get: {
        operationId: "getCall",
        tags: ["calls"],
        summary: "One call with its captured bodies",
        parameters: [{ name: "request_id", in: "path", required: true, schema: str }],
        responses: { "200": { description: "OK", content: { "application/json": { schema: Call } } }, ...errors("NotFound") },
      },
    },
  };
}
