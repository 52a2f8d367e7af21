/** The one way call records become rows of a SQLite call log: a prepared insert run over a batch in one transaction. */
import type { Database, SQLQueryBindings } from "bun:sqlite";
import type { CallRecord } from "../../telemetry/call-record.ts";
import { CALL_COLUMNS, callValues } from "../columns.ts";

export function callInserter(db: Database): (batch: CallRecord[]) => void {
  const stmt = db.prepare(`INSERT INTO calls (${CALL_COLUMNS.join(",")}) VALUES (${CALL_COLUMNS.map(() => "?").join(",")})`);
  return db.transaction((batch: CallRecord[]) => {
    for (const r of batch) stmt.run(...(callValues(r) as SQLQueryBindings[]));
  });
}
