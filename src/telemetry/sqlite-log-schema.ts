/** Call records live in their own SQLite file, apart from configuration, so log volume never slows config reads. */
import { Database } from "bun:sqlite";

export const CALL_COLUMNS = [
  "request_id", "ts", "method", "host", "path", "client_ip", "route_id", "service_id", "team_id",
  "application_id", "credential_id", "upstream_id", "target", "attempts", "fallback_path", "panic",
  "status", "error_code", "gateway_ms", "upstream_ttfb_ms", "total_ms", "request_bytes", "response_bytes",
  "ai_endpoint", "ai_requested_model", "ai_virtual_model", "ai_provider", "ai_model", "ai_stream", "input_tokens",
  "output_tokens", "cached_tokens", "reasoning_tokens", "tokens_estimated", "cost_usd", "finish_reason", "ai_attempts",
] as const;

/** Columns added after the first release of the table, added in place to older files. */
const ADDED_COLUMNS: ReadonlyArray<[string, string]> = [
  ["ai_endpoint", "TEXT"], ["ai_requested_model", "TEXT"], ["ai_virtual_model", "TEXT"], ["ai_provider", "TEXT"],
  ["ai_model", "TEXT"], ["ai_stream", "INTEGER"], ["input_tokens", "INTEGER"], ["output_tokens", "INTEGER"],
  ["cached_tokens", "INTEGER"], ["reasoning_tokens", "INTEGER"], ["tokens_estimated", "INTEGER"], ["cost_usd", "REAL"],
  ["finish_reason", "TEXT"], ["ai_attempts", "TEXT"],
];

export function openCallLog(path: string): Database {
  const db = new Database(path, { create: true });
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  db.exec(`CREATE TABLE IF NOT EXISTS calls (
    request_id TEXT NOT NULL, ts INTEGER NOT NULL, method TEXT NOT NULL, host TEXT NOT NULL, path TEXT NOT NULL,
    client_ip TEXT NOT NULL, route_id TEXT, service_id TEXT, team_id TEXT, application_id TEXT, credential_id TEXT,
    upstream_id TEXT, target TEXT, attempts INTEGER NOT NULL, fallback_path TEXT NOT NULL, panic INTEGER NOT NULL,
    status INTEGER NOT NULL, error_code TEXT, gateway_ms REAL NOT NULL, upstream_ttfb_ms REAL, total_ms REAL NOT NULL,
    request_bytes INTEGER NOT NULL, response_bytes INTEGER NOT NULL)`);
  const present = new Set((db.query("PRAGMA table_info(calls)").all() as Array<{ name: string }>).map((c) => c.name));
  for (const [name, type] of ADDED_COLUMNS) if (!present.has(name)) db.exec(`ALTER TABLE calls ADD COLUMN ${name} ${type}`);
  db.exec("CREATE INDEX IF NOT EXISTS calls_ts ON calls (ts)");
  db.exec("CREATE INDEX IF NOT EXISTS calls_request_id ON calls (request_id)");
  db.exec("CREATE INDEX IF NOT EXISTS calls_service_ts ON calls (service_id, ts)");
  return db;
}
