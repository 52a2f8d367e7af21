import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyRecord } from "../../src/telemetry/call-record.ts";
import { SqliteCallLogSink } from "../../src/telemetry/sqlite-log-sink.ts";

test("writes batches to their own SQLite file from a worker thread", async () => {
  const dir = mkdtempSync(join(tmpdir(), "waygate-calls-"));
  try {
    const path = join(dir, "nested", "calls.db");
    const sink = new SqliteCallLogSink(path);
    const batch = Array.from({ length: 250 }, (_, i) => {
      const r = emptyRecord(`req-${i}`, 1_700_000_000_000 + i, "POST", "api.test", `/x/${i}`, "10.0.0.1");
      r.status = i % 2 ? 200 : 503;
      r.fallback_path = ["a", "b"];
      r.panic = i === 7;
      return r;
    });
    await sink.write(batch.slice(0, 100));
    await sink.write(batch.slice(100));
    await sink.close();
    const db = new Database(path, { readonly: true });
    const count = db.query("SELECT count(*) AS n FROM calls").get() as { n: number };
    expect(count.n).toBe(250);
    const row = db.query("SELECT * FROM calls WHERE request_id = 'req-7'").get() as Record<string, unknown>;
    expect(row.status).toBe(200);
    expect(row.panic).toBe(1);
    expect(JSON.parse(String(row.fallback_path))).toEqual(["a", "b"]);
    expect(row.path).toBe("/x/7");
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
