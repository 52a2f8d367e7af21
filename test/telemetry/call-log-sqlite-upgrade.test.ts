import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { ALL_TEAMS } from "../../src/control/scope.ts";
import { SqliteCallLogStore } from "../../src/calls/sqlite/store.ts";
import { emptyRecord } from "../../src/telemetry/call-record.ts";
import { freshSqliteCallLog } from "./call-log-backends.ts";

test("a call log file of an earlier release is upgraded in place and keeps its calls", async () => {
  const fresh = await freshSqliteCallLog();
  await fresh.store.close();
  const path = `${fresh.location}.old`;
  const old = new Database(path, { create: true });
  // The first release's table and indexes.
  old.exec(`CREATE TABLE calls (
    request_id TEXT NOT NULL, ts INTEGER NOT NULL, method TEXT NOT NULL, host TEXT NOT NULL, path TEXT NOT NULL,
    client_ip TEXT NOT NULL, route_id TEXT, service_id TEXT, team_id TEXT, application_id TEXT, credential_id TEXT,
    upstream_id TEXT, target TEXT, attempts INTEGER NOT NULL, fallback_path TEXT NOT NULL, panic INTEGER NOT NULL,
    status INTEGER NOT NULL, error_code TEXT, gateway_ms REAL NOT NULL, upstream_ttfb_ms REAL, total_ms REAL NOT NULL,
    request_bytes INTEGER NOT NULL, response_bytes INTEGER NOT NULL)`);
  old.exec("CREATE INDEX calls_ts ON calls (ts); CREATE INDEX calls_service_ts ON calls (service_id, ts)");
  old.exec(`INSERT INTO calls VALUES ('old-1', 1000, 'GET', 'h', '/old', '1.2.3.4', null, 'svc', null, null, null, null, null, 1, '["svc"]', 0, 200, null, 0.1, 1, 2, 0, 10)`);
  old.close();

  const store = new SqliteCallLogStore(path);
  try {
    const r = emptyRecord("new-1", 2000, "POST", "h", "/new", "1.2.3.4");
    r.service_id = "svc";
    r.trace_id = "0af7651916cd43dd8448eb211c80319c";
    await store.write([r]);
    const page = await store.list({ limit: 10, service_id: "svc" }, ALL_TEAMS);
    expect(page.items.map((c) => c.request_id)).toEqual(["new-1", "old-1"]);
    expect(page.items[0]!.trace_id).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(page.items[1]!.fallback_path).toEqual(["svc"]);
    expect(page.items[1]!.ai).toBeNull();
  } finally {
    await store.close();
  }
  const check = new Database(path, { readonly: true });
  const cols = (check.query("PRAGMA index_info(calls_service_ts)").all() as Array<{ name: string }>).map((c) => c.name);
  check.close();
  expect(cols).toEqual(["service_id", "ts", "request_id"]);
  await fresh.dispose();
});
