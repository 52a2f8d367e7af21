/**
 * What writing one call to the SQLite call log costs: the serving thread
 * serializes a batch to JSON text (what it posts to the writer), and the
 * writer thread parses it and inserts it in one transaction, exactly as the
 * log's worker does.
 * Run twice: with the call log's indexes (as shipped) and with the bare
 * table (every index dropped), which splits the cost between the row and the
 * indexes the query API needs.
 *
 * The rows are the proxy benchmark's calls: one team, service, route,
 * application and credential, status 200, time-ordered request ids.
 *
 * Run: bun bench/calllog-write.ts [--rows 200000] [--batch 256] [--dir /tmp]
 * Prints a Markdown table of microseconds per call, by thread.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { callInserter } from "../src/calls/sqlite/insert.ts";
import { openCallLog } from "../src/calls/sqlite/schema.ts";
import { newRequestId } from "../src/core/ids.ts";
import { type CallRecord, emptyRecord } from "../src/telemetry/call-record.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    batch: { type: "string", default: "256" },
    dir: { type: "string", default: tmpdir() },
  },
});
const ROWS = Number(values.rows);
const BATCH = Number(values.batch);
if (!(ROWS > 0) || !(BATCH > 0)) throw new Error("--rows and --batch must be positive");

const ids = { team: crypto.randomUUID(), service: crypto.randomUUID(), route: crypto.randomUUID(), app: crypto.randomUUID(), cred: crypto.randomUUID(), upstream: crypto.randomUUID() };

function call(ts: number): CallRecord {
  const r = emptyRecord(newRequestId(), ts, "GET", "127.0.0.1:18083", "/", "127.0.0.1");
  r.trace_id = newRequestId();
  r.span_id = r.trace_id.slice(0, 16);
  r.team_id = ids.team;
  r.service_id = ids.service;
  r.route_id = ids.route;
  r.application_id = ids.app;
  r.credential_id = ids.cred;
  r.upstream_id = ids.upstream;
  r.target = "http://127.0.0.1:18081";
  r.attempts = 1;
  r.fallback_path = ["bench"];
  r.status = 200;
  r.gateway_ms = 0.05;
  r.upstream_ttfb_ms = 0.3;
  r.total_ms = 0.4;
  r.response_bytes = 11;
  return r;
}

interface Result {
  stringifyUs: number;
  parseUs: number;
  insertUs: number;
}

function run(withIndexes: boolean): Result {
  const dir = mkdtempSync(join(values.dir, "waygate-calllog-write-"));
  try {
    const db = openCallLog(join(dir, "calls.db"));
    if (!withIndexes) {
      const names = db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls'").all() as Array<{ name: string }>;
      for (const { name } of names) db.exec(`DROP INDEX ${name}`);
    }
    const insert = callInserter(db);
    const start = Date.now();
    let stringifyMs = 0;
    let parseMs = 0;
    let insertMs = 0;
    for (let done = 0; done < ROWS; done += BATCH) {
      const n = Math.min(BATCH, ROWS - done);
      const records = Array.from({ length: n }, (_, i) => call(start + done + i));
      const s0 = performance.now();
      const text = JSON.stringify(records);
      stringifyMs += performance.now() - s0;
      const t0 = performance.now();
      const batch = JSON.parse(text) as CallRecord[];
      const t1 = performance.now();
      insert(batch);
      insertMs += performance.now() - t1;
      parseMs += t1 - t0;
    }
    db.close();
    return { stringifyUs: (stringifyMs * 1000) / ROWS, parseUs: (parseMs * 1000) / ROWS, insertUs: (insertMs * 1000) / ROWS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A first unrecorded pass, so both measured runs see compiled code.
run(true);
const shipped = run(true);
const bare = run(false);

const fmt = (n: number) => n.toFixed(2);
console.log(`Call log writes: ${ROWS.toLocaleString("en-US")} calls in batches of ${BATCH}, microseconds per call\n`);
console.log("| call log | serving thread: serialize | writer: parse | writer: insert | writer total |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, r] of [["as shipped (with the query indexes)", shipped], ["table only (indexes dropped)", bare]] as const) {
  console.log(`| ${name} | ${fmt(r.stringifyUs)} | ${fmt(r.parseUs)} | ${fmt(r.insertUs)} | ${fmt(r.parseUs + r.insertUs)} |`);
}
console.log(`\nThe indexes' share: ${fmt(shipped.insertUs - bare.insertUs)} µs of ${fmt(shipped.parseUs + shipped.insertUs)} µs per call.`);
