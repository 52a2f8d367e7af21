/**
 * /admin/calls: the call log.
 *
 *   GET /admin/calls                       search (filters in src/calls/query-params.ts), newest first, by cursor
 *   GET /admin/calls/export?format=ndjson|csv   every matching call, streamed
 *   GET /admin/calls/drops                 calls and bodies the log had to drop, and why
 *   GET /admin/calls/:request_id           one call, with its captured bodies
 *
 * Every answer is limited to the caller's teams.
 */
import type { CallLogStore } from "../calls/call-log-store.ts";
import { exportCalls, type ExportFormat } from "../calls/export.ts";
import { encodeCursor, parseCallQuery } from "../calls/query-params.ts";
import { WaygateError } from "../core/errors.ts";
import type { LogQueueStats } from "../telemetry/log-queue.ts";
import type { AdminCall, AdminRoute } from "./extensions.ts";
import type { Result } from "./resources.ts";

/** What `waygate serve` hands the calls endpoints. */
export interface CallLogServices {
  store: CallLogStore;
  /** The write queue's counters; null while the gateway is not running. */
  queue(): LogQueueStats | null;
}

const FORMATS: Readonly<Record<ExportFormat, string>> = {
  ndjson: "application/x-ndjson",
  csv: "text/csv; charset=utf-8",
};

function onlyGet(call: AdminCall): void {
  if (call.req.method !== "GET" && call.req.method !== "HEAD") throw new WaygateError("method_not_allowed", `method ${call.req.method} is not allowed here`);
}

async function search(calls: CallLogServices, call: AdminCall): Promise<Result> {
  const query = parseCallQuery(call.url.searchParams);
  const page = await calls.store.list(query, call.scope);
  return { status: 200, body: { items: page.items, ...(page.next ? { next: encodeCursor(page.next) } : {}) } };
}

function exportResponse(calls: CallLogServices, call: AdminCall): Response {
  const format = call.url.searchParams.get("format") ?? "ndjson";
  if (format !== "ndjson" && format !== "csv") {
    throw new WaygateError("validation_failed", "invalid export", { details: [{ path: "format", message: "expected ndjson or csv" }] });
  }
  const { limit: _pageSize, after, ...filter } = parseCallQuery(call.url.searchParams);
  if (after) throw new WaygateError("validation_failed", "invalid export", { details: [{ path: "cursor", message: "exports always start at the newest call" }] });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(exportCalls(calls.store, filter, call.scope, format), {
    headers: {
      "content-type": FORMATS[format],
      "content-disposition": `attachment; filename="calls-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
}

function drops(calls: CallLogServices, call: AdminCall): Result {
  // Queue counters are about the whole gateway, not one team.
  if (call.scope.kind !== "all") throw new WaygateError("forbidden", "call log drop counters need an unrestricted admin");
  const s = calls.queue();
  return {
    status: 200,
    body: {
      backend: calls.store.backend,
      queued: s?.queued ?? 0,
      written: s?.written ?? 0,
      records_dropped: { queue_full: s?.droppedFull ?? 0, write_failed: s?.droppedFailed ?? 0, total: s?.dropped ?? 0 },
      bodies_dropped: s?.bodiesDropped ?? 0,
      failed_batches: s?.failedBatches ?? 0,
    },
  };
}

export const callsRoute: AdminRoute = async (call) => {
  const calls = call.services.calls;
  if (!calls) throw new WaygateError("not_found", "the call log is not enabled on this gateway (waygate serve --no-call-log)");
  onlyGet(call);
  const [first, ...more] = call.rest;
  if (more.length > 0) throw new WaygateError("not_found", `no admin endpoint at ${call.url.pathname}`);
  if (first === undefined) return search(calls, call);
  if (first === "export") return exportResponse(calls, call);
  if (first === "drops") return drops(calls, call);
  const found = await calls.store.get(first, call.scope);
  if (!found) throw new WaygateError("not_found", `no call ${first}`);
  return { status: 200, body: found };
};
