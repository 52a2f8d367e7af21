/**
 * /admin/calls over a real SQLite call log: search with filters and cursor
 * pages, one call by id, streamed NDJSON and CSV exports, drop counters,
 * and team scopes that never show another team's calls.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CallLogStore } from "../../src/calls/call-log-store.ts";
import { csvField } from "../../src/calls/export.ts";
import { type CallLogServices, callsRoute } from "../../src/control/calls.ts";
import { createAdminHandler } from "../../src/control/handler.ts";
import { buildOpenApi } from "../../src/control/openapi.ts";
import type { Result } from "../../src/control/resources.ts";
import { ALL_TEAMS, teamsScope, type TeamScope } from "../../src/control/scope.ts";
import { WaygateError } from "../../src/core/errors.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";
import { emptyRecord, type CallRecord } from "../../src/telemetry/call-record.ts";
import type { LogQueueStats } from "../../src/telemetry/log-queue.ts";
import { freshSqliteCallLog, type FreshCallLog } from "../telemetry/call-log-backends.ts";
import { sampleCalls } from "../telemetry/call-log-store.case.ts";
import { TOKEN } from "./fixture.ts";

let db: FreshCallLog;
let log: CallLogStore;
let config: Store;
const calls = sampleCalls(2500);
const stats: LogQueueStats = { queued: 3, written: 2500, dropped: 7, droppedFull: 5, droppedFailed: 2, bodiesDropped: 11, failedBatches: 1, bodyBytes: 0 };
const services: CallLogServices = { store: undefined as unknown as CallLogStore, queue: () => stats };

// Paths a CSV must quote or defuse.
calls[0]!.path = '/odd,path "quoted"\nnext';
calls[1]!.path = "=HYPERLINK(\"http://evil\")";

beforeAll(async () => {
  db = await freshSqliteCallLog();
  log = db.store;
  services.store = log;
  await log.write(calls);
  config = await openStore("sqlite::memory:");
});
afterAll(async () => {
  await db.dispose();
  await config.close();
});

async function call(path: string, scope: TeamScope = ALL_TEAMS, method = "GET", withLog = true): Promise<Result | Response> {
  const url = new URL(`http://admin.test${path}`);
  const rest = url.pathname.split("/").slice(3).filter((s) => s !== "").map(decodeURIComponent);
  return callsRoute({ req: new Request(url.toString(), { method }), url, rest, scope, store: config, services: withLog ? { calls: services } : {} });
}

async function json(path: string, scope: TeamScope = ALL_TEAMS): Promise<{ items: CallRecord[]; next?: string }> {
  const r = await call(path, scope);
  if (r instanceof Response) throw new Error("expected JSON");
  expect(r.status).toBe(200);
  return r.body as { items: CallRecord[]; next?: string };
}

async function failure(path: string, scope: TeamScope = ALL_TEAMS, method = "GET", withLog = true): Promise<WaygateError> {
  try {
    await call(path, scope, method, withLog);
  } catch (err) {
    if (err instanceof WaygateError) return err;
    throw err;
  }
  throw new Error(`expected ${path} to fail`);
}

/** RFC 4180 parsing, independent of the exporter. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field), rows.push(row), (row = []), (field = ""), i++;
    } else field += c;
  }
  expect(field).toBe("");
  return rows;
}

describe("GET /admin/calls", () => {
  test("filters from the query string, newest first, with cursor pages that cover everything once", async () => {
    const want = calls.filter((r) => r.service_id === "svc-2" && r.status >= 500 && r.status < 600).sort((a, b) => b.ts - a.ts || (a.request_id < b.request_id ? 1 : -1));
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await json(`/admin/calls?service=svc-2&status=5xx&limit=50${next ? `&cursor=${next}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(50);
      seen.push(...page.items.map((r) => r.request_id));
      next = page.next;
      pages++;
    } while (next);
    expect(pages).toBeGreaterThan(2);
    expect(seen).toEqual(want.map((r) => r.request_id));
  });

  test("time range as ISO 8601, latency, provider and text filters combine", async () => {
    const from = new Date(calls[100]!.ts).toISOString();
    const to = calls[400]!.ts;
    const page = await json(`/admin/calls?from=${from}&to=${to}&min_latency_ms=250&provider=openai&q=orders&limit=1000`);
    const want = calls.filter((r) => r.ts >= calls[100]!.ts && r.ts < to && r.total_ms >= 250 && r.ai?.provider === "openai" && r.path.includes("orders"));
    expect(page.items.map((r) => r.request_id).sort()).toEqual(want.map((r) => r.request_id).sort());
    expect(want.length).toBeGreaterThan(0);
  });

  test("bad parameters are a validation error naming each one", async () => {
    const err = await failure("/admin/calls?status=6xx&limit=5000&from=yesterday&cursor=abc&colour=red&min_latency_ms=-1");
    expect(err.code).toBe("validation_failed");
    expect((err.details ?? []).map((d) => d.path).sort()).toEqual(["colour", "cursor", "from", "limit", "min_latency_ms", "status"]);
  });

  test("a team scope sees only its own calls, whatever the filters ask", async () => {
    const scope = teamsScope(["team-b"]);
    const page = await json("/admin/calls?limit=1000", scope);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((r) => r.team_id === "team-b")).toBe(true);
    expect((await json("/admin/calls?team=team-a", scope)).items).toEqual([]);
    const other = calls.find((r) => r.team_id === "team-a")!;
    expect((await failure(`/admin/calls/${other.request_id}`, scope)).code).toBe("not_found");
  });

  test("one call by request id, with its bodies", async () => {
    const target = calls[42]!;
    const r = await call(`/admin/calls/${target.request_id}`);
    expect(r).toEqual({ status: 200, body: target });
    expect((await failure("/admin/calls/missing")).code).toBe("not_found");
  });

  test("only reads are allowed, and without a call log the endpoints say so", async () => {
    expect((await failure("/admin/calls", ALL_TEAMS, "DELETE")).code).toBe("method_not_allowed");
    const off = await failure("/admin/calls", ALL_TEAMS, "GET", false);
    expect(off.code).toBe("not_found");
    expect(off.message).toContain("not enabled");
  });
});

describe("GET /admin/calls/export", () => {
  test("NDJSON: one valid record per line, every matching call, across pages", async () => {
    const r = await call("/admin/calls/export?format=ndjson&team=team-a");
    if (!(r instanceof Response)) throw new Error("expected a stream");
    expect(r.headers.get("content-type")).toBe("application/x-ndjson");
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="calls-.*\.ndjson"$/);
    const text = await r.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as CallRecord);
    const want = calls.filter((c) => c.team_id === "team-a");
    expect(want.length).toBeGreaterThan(800);
    expect(lines.length).toBe(want.length);
    expect(new Set(lines.map((l) => l.request_id)).size).toBe(want.length);
    const sample = lines.find((l) => l.request_id === want[5]!.request_id);
    expect(sample).toEqual({ ...want[5]!, bodies: null });
  });

  test("CSV: a header, one row per call, quotes and newlines escaped, formulas defused", async () => {
    const r = await call("/admin/calls/export?format=csv");
    if (!(r instanceof Response)) throw new Error("expected a stream");
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = parseCsv(await r.text());
    const [header, ...data] = rows;
    expect(header?.[0]).toBe("request_id");
    expect(data.length).toBe(calls.length);
    for (const row of data) expect(row.length).toBe(header!.length);
    const pathAt = header!.indexOf("path");
    const byId = new Map(data.map((row) => [row[0], row]));
    expect(byId.get(calls[0]!.request_id)?.[pathAt]).toBe('/odd,path "quoted"\nnext');
    expect(byId.get(calls[1]!.request_id)?.[pathAt]).toBe("'=HYPERLINK(\"http://evil\")");
    const timeAt = header!.indexOf("time");
    expect(byId.get(calls[7]!.request_id)?.[timeAt]).toBe(new Date(calls[7]!.ts).toISOString());
  });

  test("CSV fields: numbers and negatives as they are, text quoted only when needed", () => {
    expect(csvField(-3)).toBe("-3");
    expect(csvField(null)).toBe("");
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField("-1+1")).toBe("'-1+1");
  });

  test("an unknown format is refused", async () => {
    const err = await failure("/admin/calls/export?format=xml");
    expect(err.code).toBe("validation_failed");
  });

  test("a team-scoped export holds only that team's calls", async () => {
    const r = await call("/admin/calls/export?format=ndjson", teamsScope(["team-b"]));
    if (!(r instanceof Response)) throw new Error("expected a stream");
    const lines = (await r.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as CallRecord);
    expect(lines.length).toBe(calls.filter((c) => c.team_id === "team-b").length);
    expect(lines.every((l) => l.team_id === "team-b")).toBe(true);
  });
});

describe("GET /admin/calls/drops", () => {
  test("reports what was dropped and why, to unrestricted admins only", async () => {
    const r = await call("/admin/calls/drops");
    expect(r).toEqual({
      status: 200,
      body: { backend: "sqlite", queued: 3, written: 2500, records_dropped: { queue_full: 5, write_failed: 2, total: 7 }, bodies_dropped: 11, failed_batches: 1 },
    });
    expect((await failure("/admin/calls/drops", teamsScope(["team-a"]))).code).toBe("forbidden");
  });
});

test("the admin API mounts the call log at /admin/calls", async () => {
  const handler = createAdminHandler({ store: config, adminToken: TOKEN, services: { calls: services } });
  const res = await handler(new Request(`http://admin.test/admin/calls?request_id=${calls[9]!.request_id}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: CallRecord[] };
  expect(body.items.map((r) => r.request_id)).toEqual([calls[9]!.request_id]);
  const unauthenticated = await handler(new Request("http://admin.test/admin/calls"));
  expect(unauthenticated.status).toBe(401);
});

test("the OpenAPI document describes every /admin/calls endpoint, with the search parameters and known error responses", () => {
  type Op = { parameters?: Array<{ name: string }>; responses: Record<string, { $ref?: string }> };
  const doc = buildOpenApi() as { paths: Record<string, { get?: Op }>; components: { responses: Record<string, unknown> } };
  for (const path of ["/admin/calls", "/admin/calls/export", "/admin/calls/drops", "/admin/calls/{request_id}"]) {
    const op = doc.paths[path]?.get;
    expect(op).toBeDefined();
    for (const r of Object.values(op!.responses)) if (r.$ref) expect(doc.components.responses[r.$ref.replace("#/components/responses/", "")]).toBeDefined();
  }
  const params = doc.paths["/admin/calls"]!.get!.parameters!.map((p) => p.name);
  // Every parameter the search accepts is documented.
  for (const name of ["from", "to", "team", "service", "route", "application", "status", "error_code", "provider", "model", "min_latency_ms", "request_id", "q", "limit", "cursor"]) {
    expect(params).toContain(name);
  }
});
