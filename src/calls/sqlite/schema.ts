/** Call records live in their own SQLite file, apart from configuration, so log volume never slows config reads. */
import { Database } from "bun:sqlite";
import { CALL_COLUMNS } from "../columns.ts";
import { SLOW_CALL_TERM } from "../where.ts";

const COLUMN_TYPES: Readonly<Record<(typeof CALL_COLUMNS)[number], string>> = {
  request_id: "TEXT NOT NULL", trace_id: "TEXT", span_id: "TEXT", ts: "INTEGER NOT NULL", method: "TEXT NOT NULL",
  host: "TEXT NOT NULL", path: "TEXT NOT NULL", client_ip: "TEXT NOT NULL", route_id: "TEXT", service_id: "TEXT",
  team_id: "TEXT", application_id: "TEXT", credential_id: "TEXT", upstream_id: "TEXT", target: "TEXT",
  attempts: "INTEGER NOT NULL", fallback_path: "TEXT NOT NULL", panic: "INTEGER NOT NULL", status: "INTEGER NOT NULL",
  error_code: "TEXT", gateway_ms: "REAL NOT NULL", upstream_ttfb_ms: "REAL", total_ms: "REAL NOT NULL",
  request_bytes: "INTEGER NOT NULL", response_bytes: "INTEGER NOT NULL", ai_endpoint: "TEXT", ai_requested_model: "TEXT",
  ai_virtual_model: "TEXT", ai_provider: "TEXT", ai_model: "TEXT", ai_stream: "INTEGER", input_tokens: "INTEGER",
  output_tokens: "INTEGER", cached_tokens: "INTEGER", reasoning_tokens: "INTEGER", tokens_estimated: "INTEGER",
  cost_usd: "REAL", finish_reason: "TEXT", ai_attempts: "TEXT", ai_prompt_api: "TEXT", release_id: "TEXT", request_headers: "TEXT", request_body: "TEXT",
  response_headers: "TEXT", response_body: "TEXT", body_truncated: "INTEGER",
};

/**
 * One index per filter of the query API, each ending in (ts, request_id) so
 * a filtered page comes out of the index already in list order.
 */
const INDEXES: ReadonlyArray<[string, string]> = [
  ["calls_ts", "(ts, request_id)"],
  ["calls_request_id", "(request_id)"],
  ["calls_team_ts", "(team_id, ts, request_id)"],
  ["calls_service_ts", "(service_id, ts, request_id)"],
  ["calls_route_ts", "(route_id, ts, request_id)"],
  ["calls_application_ts", "(application_id, ts, request_id)"],
  ["calls_status_ts", "(status, ts, request_id)"],
  ["calls_error_ts", "(error_code, ts, request_id) WHERE error_code IS NOT NULL"],
  ["calls_provider_ts", "(ai_provider, ts, request_id) WHERE ai_provider IS NOT NULL"],
  ["calls_model_ts", "(ai_model, ts, request_id) WHERE ai_model IS NOT NULL"],
  ["calls_slow_ts", `(ts, request_id, total_ms) WHERE ${SLOW_CALL_TERM}`],
];

export function openCallLog(path: string, readonly = false): Database {
  if (readonly) {
    const db = new Database(path, { readonly: true });
    db.exec("PRAGMA busy_timeout = 5000;");
    return db;
  }
  const db = new Database(path, { create: true });
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  const columns = CALL_COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`).join(", ");
  db.exec(`CREATE TABLE IF NOT EXISTS calls (${columns})`);
  // Files written by earlier releases lack the newer columns; they are added in place (all nullable).
  const present = new Set((db.query("PRAGMA table_info(calls)").all() as Array<{ name: string }>).map((c) => c.name));
  for (const c of CALL_COLUMNS) {
    if (!present.has(c)) db.exec(`ALTER TABLE calls ADD COLUMN ${c} ${COLUMN_TYPES[c].replace(" NOT NULL", "")}`);
  }
  const existing = new Set((db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls'").all() as Array<{ name: string }>).map((r) => r.name));
  // Earlier releases had calls_ts on (ts) and calls_service_ts on (service_id, ts): rebuilt with request_id.
  for (const [name, width] of [["calls_ts", 2], ["calls_service_ts", 3]] as const) {
    if (existing.has(name) && (db.query(`PRAGMA index_info(${name})`).all() as unknown[]).length < width) db.exec(`DROP INDEX ${name}`);
  }
  for (const [name, def] of INDEXES) {
    const [cols, where] = def.split(" WHERE ");
    db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON calls ${cols}${where ? ` WHERE ${where}` : ""}`);
  }
  return db;
}
