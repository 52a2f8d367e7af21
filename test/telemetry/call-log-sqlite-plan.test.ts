/**
 * The searches the SQLite call log must answer from an index, checked in
 * SQLite's own query plan: a minimum latency of a second or more walks the
 * slow-call partial index instead of the whole log.
 */
import { describe, expect, test } from "bun:test";
import { LIST_COLUMNS } from "../../src/calls/columns.ts";
import { openCallLog } from "../../src/calls/sqlite/schema.ts";
import { ORDER, SLOW_CALL_MS, whereClause } from "../../src/calls/where.ts";
import type { CallFilter } from "../../src/calls/call-log-store.ts";
import { ALL_TEAMS } from "../../src/control/scope.ts";

const db = openCallLog(":memory:");

function plan(filter: CallFilter, scope = ALL_TEAMS): string {
  const where = whereClause(filter, scope, undefined, "LIKE")!;
  const rows = db.query(`EXPLAIN QUERY PLAN SELECT ${LIST_COLUMNS.join(", ")} FROM calls ${where.sql} ${ORDER} LIMIT 101`).all(...where.params) as Array<{ detail: string }>;
  return rows.map((r) => r.detail).join("\n");
}

describe("SQLite call log query plans", () => {
  test("a minimum latency of a second or more uses the slow-call index", () => {
    expect(plan({ min_latency_ms: SLOW_CALL_MS })).toContain("calls_slow_ts");
    expect(plan({ min_latency_ms: 5000 })).toContain("calls_slow_ts");
    expect(plan({ min_latency_ms: 5000, from: 0, to: 10 })).toContain("calls_slow_ts");
  });

  test("a lower minimum cannot use it (faster calls are not in it)", () => {
    expect(plan({ min_latency_ms: SLOW_CALL_MS - 1 })).not.toContain("calls_slow_ts");
  });
});
