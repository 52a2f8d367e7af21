/**
 * Call log query benchmark: fills a call log with synthetic calls spread
 * over 30 days (teams, services, routes, applications, statuses, AI
 * providers and models, long-tailed latencies), then times each filter of
 * the query API through CallLogStore.list, as GET /admin/calls runs it.
 *
 * Run:
 *   bun bench/calls-query.ts --rows 10000000 --path /tmp/calls-10m.db
 *   bun bench/calls-query.ts --backend postgres --url 'postgres://postgres@127.0.0.1:5432/postgres?schema=calls_bench' --rows 10000000
 *
 * A store that already holds at least --rows calls is queried as it is
 * (so a 10-million-call file is generated once); --fresh starts over.
 * Prints a Markdown table: filter, calls returned, median and p95 ms.
 */
import { existsSync, rmSync } from "node:fs";
import { parseArgs } from "node:util";
import type { CallFilter, CallLogStore, CallQuery } from "../src/calls/call-log-store.ts";
import { PostgresCallLogStore } from "../src/calls/postgres/store.ts";
import { SqliteCallLogStore } from "../src/calls/sqlite/store.ts";
import { ALL_TEAMS, teamsScope, type TeamScope } from "../src/control/scope.ts";
import { emptyAiFields, emptyRecord, type CallRecord } from "../src/telemetry/call-record.ts";
import { percentile } from "./lib/percentile.ts";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "sqlite" },
    path: { type: "string", default: "/tmp/waygate-calls-bench.db" },
    url: { type: "string" },
    rows: { type: "string", default: "100000" },
    runs: { type: "string", default: "15" },
    fresh: { type: "boolean", default: false },
  },
});

const ROWS = Number(values.rows);
const RUNS = Number(values.runs);
const DAY = 86_400_000;
const SPAN = 30 * DAY;
const END = Date.UTC(2026, 10, 1);
const TEAMS = 20;
const SERVICES = 200;
const ROUTES = 1000;
const APPS = 500;
const PROVIDERS = ["openai", "anthropic", "gemini", "bedrock", "mistral"];
const ERRORS_4XX: Array<[number, string]> = [[401, "invalid_credential"], [404, "route_not_found"], [429, "rate_limited"]];
const ERRORS_5XX: Array<[number, string]> = [[502, "upstream_error"], [503, "no_healthy_upstream"], [504, "upstream_timeout"]];

/** mulberry32: deterministic, so two runs build the same data, and without the correlations of a plain LCG. */
let seed = 42;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (n: number) => Math.floor(rand() * n);

function call(i: number): CallRecord {
  const ts = END - SPAN + Math.floor((i / ROWS) * SPAN);
  const service = pick(SERVICES);
  const r = emptyRecord(`bench-${i.toString(36).padStart(8, "0")}`, ts, rand() < 0.7 ? "GET" : "POST", "api.example.com", `/api/v1/svc${service}/items/${pick(100_000)}`, `10.${pick(256)}.${pick(256)}.${pick(256)}`);
  r.team_id = `team-${service % TEAMS}`;
  r.service_id = `svc-${service}`;
  r.route_id = `route-${service * 5 + pick(5)}`;
  r.application_id = `app-${pick(APPS)}`;
  r.credential_id = `cred-${r.application_id}`;
  r.upstream_id = `up-${service}`;
  r.target = `http://10.1.${service % 256}.${pick(4)}:8080`;
  r.attempts = rand() < 0.97 ? 1 : 2;
  r.fallback_path = [r.service_id];
  const roll = rand();
  const [status, code] = roll < 0.9 ? [200, null] : roll < 0.95 ? ERRORS_4XX[pick(3)]! : ERRORS_5XX[pick(3)]!;
  r.status = status;
  r.error_code = code;
  // Long-tailed: most calls take milliseconds, a few take seconds.
  r.total_ms = Math.round(Math.exp(rand() * 4 + rand() * rand() * 5) * 10) / 10;
  r.gateway_ms = 0.2 + rand() * 0.3;
  r.upstream_ttfb_ms = r.total_ms * 0.8;
  r.request_bytes = pick(4000);
  r.response_bytes = pick(40_000);
  if (service % 5 === 0) {
    const provider = PROVIDERS[pick(PROVIDERS.length)]!;
    r.ai = emptyAiFields("openai_chat", "chat-default", rand() < 0.5);
    r.ai.provider = provider;
    r.ai.model = `${provider}-model-${pick(4)}`;
    r.ai.input_tokens = pick(2000);
    r.ai.output_tokens = pick(800);
    r.ai.cost_usd = r.ai.input_tokens * 1e-6 + r.ai.output_tokens * 4e-6;
    r.ai.finish_reason = "stop";
  }
  return r;
}

async function open(): Promise<CallLogStore> {
  if (values.backend === "postgres") {
    if (!values.url) throw new Error("--backend postgres needs --url postgres://…");
    const pg = await PostgresCallLogStore.open(values.url);
    // As after a month of running: one partition per day of the generated calls.
    await pg.ensureDays(END - SPAN, END);
    return pg;
  }
  if (values.fresh && existsSync(values.path)) for (const suffix of ["", "-wal", "-shm"]) rmSync(values.path + suffix, { force: true });
  return new SqliteCallLogStore(values.path);
}

async function count(store: CallLogStore): Promise<number> {
  // Counting 10M rows takes a while; calls are generated in time order, so the newest one's number says how many there are.
  const newest = await store.list({ limit: 1 }, ALL_TEAMS);
  const id = newest.items[0]?.request_id;
  return id?.startsWith("bench-") ? Number.parseInt(id.slice("bench-".length), 36) + 1 : newest.items.length;
}

async function fill(store: CallLogStore): Promise<void> {
  const have = values.fresh ? 0 : await count(store);
  if (have >= ROWS) {
    console.error(`store already holds ${have.toLocaleString()} calls; querying it as it is`);
    return;
  }
  if (have > 0) throw new Error(`store holds ${have} calls of another run; use --fresh or another --path`);
  const started = performance.now();
  const BATCH = 5000;
  for (let i = 0; i < ROWS; i += BATCH) {
    const batch: CallRecord[] = [];
    for (let k = i; k < Math.min(ROWS, i + BATCH); k++) batch.push(call(k));
    await store.write(batch);
    if ((i / BATCH) % 200 === 0) console.error(`  ${i.toLocaleString()} / ${ROWS.toLocaleString()} written`);
  }
  const s = (performance.now() - started) / 1000;
  console.error(`wrote ${ROWS.toLocaleString()} calls in ${s.toFixed(1)} s (${Math.round(ROWS / s).toLocaleString()} calls/s)`);
}

interface Case {
  name: string;
  filter: CallFilter;
  scope?: TeamScope;
  /** Pages to walk with the cursor (default 1). */
  pages?: number;
}

const last = (ms: number) => ({ from: END - ms, to: END });

const CASES: Case[] = [
  { name: "newest page, no filter", filter: {} },
  { name: "time range (last hour)", filter: last(3_600_000) },
  { name: "team", filter: { team_id: "team-7" } },
  { name: "service", filter: { service_id: "svc-42" } },
  { name: "route", filter: { route_id: "route-211" } },
  { name: "application", filter: { application_id: "app-123" } },
  { name: "status class 5xx", filter: { status_class: 5 } },
  { name: "error code", filter: { error_code: "upstream_timeout" } },
  { name: "provider", filter: { provider: "anthropic" } },
  { name: "model", filter: { model: "gemini-model-2" } },
  { name: "min latency 5 s", filter: { min_latency_ms: 5000 } },
  { name: "min latency 5 s, last day", filter: { min_latency_ms: 5000, ...last(DAY) } },
  { name: "request id", filter: { request_id: `bench-${Math.floor(ROWS / 2).toString(36).padStart(8, "0")}` } },
  { name: "free text, last day", filter: { text: "items/4242", ...last(DAY) } },
  { name: "free text, all time", filter: { text: "items/4242" } },
  { name: "team + 5xx + last week", filter: { team_id: "team-3", status_class: 5, ...last(7 * DAY) } },
  { name: "team scope (3 teams), no filter", filter: {}, scope: teamsScope(["team-1", "team-2", "team-3"]) },
  { name: "team scope + service", filter: { service_id: "svc-41" }, scope: teamsScope(["team-1"]) },
  { name: "10 pages deep, service", filter: { service_id: "svc-42" }, pages: 10 },
];

async function time(store: CallLogStore, c: Case): Promise<{ rows: number; ms: number }> {
  const started = performance.now();
  let query: CallQuery = { ...c.filter, limit: 100 };
  let rows = 0;
  for (let page = 0; page < (c.pages ?? 1); page++) {
    const result = await store.list(query, c.scope ?? ALL_TEAMS);
    rows += result.items.length;
    if (!result.next) break;
    query = { ...c.filter, limit: 100, after: result.next };
  }
  return { rows, ms: performance.now() - started };
}

const store = await open();
try {
  await fill(store);
  console.log(`Call log query latency — ${values.backend}, ${ROWS.toLocaleString()} calls, pages of 100, ${RUNS} runs each\n`);
  console.log("| filter | calls returned | median ms | p95 ms |");
  console.log("|---|---:|---:|---:|");
  for (const c of CASES) {
    await time(store, c); // warm-up
    const samples: number[] = [];
    let rows = 0;
    for (let run = 0; run < RUNS; run++) {
      const t = await time(store, c);
      samples.push(t.ms);
      rows = t.rows;
    }
    samples.sort((a, b) => a - b);
    console.log(`| ${c.name} | ${rows} | ${percentile(samples, 50).toFixed(2)} | ${percentile(samples, 95).toFixed(2)} |`);
  }
} finally {
  await store.close();
}
