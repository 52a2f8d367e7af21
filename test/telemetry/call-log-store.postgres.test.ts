import { expect, test } from "bun:test";
import { DAY_MS } from "../../src/calls/retention.ts";
import { ensurePartitions, listPartitionDays } from "../../src/calls/postgres/schema.ts";
import { ALL_TEAMS } from "../../src/control/scope.ts";
import { emptyRecord } from "../../src/telemetry/call-record.ts";
import { postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { freshPostgresCallLog, schemaClient } from "./call-log-backends.ts";
import { callLogStoreSuite } from "./call-log-store.case.ts";

if (await postgresReachable()) {
  callLogStoreSuite("postgres", freshPostgresCallLog);

  test("postgres: days are partitions made ahead of time, dropped whole once every team's retention has passed", async () => {
    const db = await freshPostgresCallLog();
    const sql = schemaClient(db.schema!);
    try {
      const today = Math.floor(Date.now() / DAY_MS);
      const days = await listPartitionDays(sql);
      for (let d = today - 1; d <= today + 3; d++) expect(days).toContain(d);

      const old = today - 40;
      await ensurePartitions(sql, old, old + 1);
      // The first day's call sits at its start, the second day's at its very end.
      const records = [old * DAY_MS + 3_600_000, (old + 2) * DAY_MS - 1000, Date.now()].map((ts, i) => {
        const r = emptyRecord(`p-${i}`, ts, "GET", "h", "/", "ip");
        r.team_id = "t";
        return r;
      });
      await db.store.write(records);
      const [inOld] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM call_log_p${new Date(old * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "")}`);
      expect(inOld?.n).toBe(1);

      // The longest retention (team t: 39 days) keeps day old+1 but not day old.
      const policy = { default_days: 30, teams: new Map([["t", 39]]) };
      while ((await db.store.prune(policy, Date.now())).more);
      const after = await listPartitionDays(sql);
      expect(after).not.toContain(old);
      expect(after).toContain(old + 1);
      const left = (await db.store.list({ limit: 10 }, ALL_TEAMS)).items.map((r) => r.request_id).sort();
      expect(left).toEqual(["p-1", "p-2"]);
    } finally {
      await sql.end({ timeout: 1 });
      await db.dispose();
    }
  });
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the call log suite on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
