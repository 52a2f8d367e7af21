/**
 * Streams every call matching a search as NDJSON (one record per line, as
 * the list API shows it) or CSV (RFC 4180, one flat row per call), a page
 * at a time, so an export of millions of calls never sits in memory.
 */
import type { TeamScope } from "../control/scope.ts";
import type { CallRecord } from "../telemetry/call-record.ts";
import type { CallFilter, CallLogStore, CallQuery } from "./call-log-store.ts";

export type ExportFormat = "ndjson" | "csv";

const PAGE = 1000;

type Cell = string | number | boolean | null;

export const CSV_HEADER: readonly string[] = [
  "request_id", "trace_id", "span_id", "time", "method", "host", "path", "client_ip", "team_id", "service_id", "route_id",
  "application_id", "credential_id", "upstream_id", "target", "attempts", "fallback_path", "panic", "status", "error_code",
  "gateway_ms", "upstream_ttfb_ms", "total_ms", "request_bytes", "response_bytes", "ai_endpoint", "ai_requested_model",
  "ai_virtual_model", "ai_provider", "ai_model", "ai_stream", "input_tokens", "output_tokens", "cached_tokens",
  "reasoning_tokens", "tokens_estimated", "cost_usd", "finish_reason",
];

function csvCells(r: CallRecord): Cell[] {
  const a = r.ai;
  return [
    r.request_id, r.trace_id, r.span_id, new Date(r.ts).toISOString(), r.method, r.host, r.path, r.client_ip, r.team_id,
    r.service_id, r.route_id, r.application_id, r.credential_id, r.upstream_id, r.target, r.attempts, r.fallback_path.join(" > "),
    r.panic, r.status, r.error_code, r.gateway_ms, r.upstream_ttfb_ms, r.total_ms, r.request_bytes, r.response_bytes,
    a?.endpoint ?? null, a?.requested_model ?? null, a?.virtual_model ?? null, a?.provider ?? null, a?.model ?? null,
    a ? a.stream : null, a?.input_tokens ?? null, a?.output_tokens ?? null, a?.cached_tokens ?? null,
    a?.reasoning_tokens ?? null, a ? a.tokens_estimated : null, a?.cost_usd ?? null, a?.finish_reason ?? null,
  ];
}

/**
 * One CSV field. Text a spreadsheet would run as a formula (a client-chosen
 * path starting with `=`, say) is prefixed with `'`.
 */
export function csvField(v: Cell): string {
  if (v === null) return "";
  if (typeof v !== "string") return String(v);
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(",")}\r\n`;
}

export function exportCalls(store: CallLogStore, filter: CallFilter, scope: TeamScope, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let query: CallQuery | null = { ...filter, limit: PAGE };
  let headerSent = format !== "csv";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(CSV_HEADER)));
        return;
      }
      if (!query) {
        controller.close();
        return;
      }
      const page = await store.list(query, scope);
      query = page.next ? { ...filter, limit: PAGE, after: page.next } : null;
      if (page.items.length === 0) return;
      const text = page.items.map((r) => (format === "csv" ? csvLine(csvCells(r)) : `${JSON.stringify(r)}\n`)).join("");
      controller.enqueue(encoder.encode(text));
    },
  });
}
