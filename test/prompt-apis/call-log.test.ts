/** The prompt API's name is a column of the call log, in both call-log backends. */
import { afterAll, describe, expect, test } from "bun:test";
import { type CallRecord, emptyAiFields, emptyRecord } from "../../src/telemetry/call-record.ts";
import { ALL_TEAMS } from "../../src/control/scope.ts";
import { postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { PostgresCallLogStore } from "../../src/calls/postgres/store.ts";
import { type FreshCallLog, freshPostgresCallLog, freshSqliteCallLog, schemaClient } from "../telemetry/call-log-backends.ts";

function call(id: string, promptApi: string | null): CallRecord {
  const r = emptyRecord(id, Date.now(), "POST", "gw", "/ai/sentiment", "127.0.0.1");
  r.status = 200;
  r.ai = { ...emptyAiFields(promptApi ? "prompt_api" : "openai_chat", "chat", false), prompt_api: promptApi, cost_usd: 0.0012 };
  return r;
}

const backends: Array<[string, () => Promise<FreshCallLog>]> = [["sqlite", freshSqliteCallLog]];
if (await postgresReachable()) backends.push(["postgres", freshPostgresCallLog]);
else if (process.env.CI === "true") throw new Error(`${postgresUnreachableMessage()} (CI=true requires it)`);
else warnPostgresMissing();

const opened: FreshCallLog[] = [];
afterAll(async () => {
  for (const log of opened) await log.dispose();
});

for (const [name, fresh] of backends) {
  describe(`call log (${name})`, () => {
    test("stores and returns prompt_api, null for other AI calls", async () => {
      const log = await fresh();
      opened.push(log);
      await log.store.write([call("p1", "sentiment"), call("c1", null)]);
      expect((await log.store.get("p1", ALL_TEAMS))?.ai?.prompt_api).toBe("sentiment");
      expect((await log.store.get("p1", ALL_TEAMS))?.ai?.cost_usd).toBe(0.0012);
      expect((await log.store.get("c1", ALL_TEAMS))?.ai?.prompt_api).toBeNull();
    });
  });
}

if (backends.some(([name]) => name === "postgres")) {
  test("a PostgreSQL call log from before the column gains it when opened", async () => {
    const log = await freshPostgresCallLog();
    opened.push(log);
    const sql = schemaClient(log.schema as string);
    try {
      await sql.unsafe("ALTER TABLE call_log DROP COLUMN ai_prompt_api");
    } finally {
      await sql.end({ timeout: 1 });
    }
    const reopened = await PostgresCallLogStore.open(log.location);
    try {
      await reopened.write([call("p2", "translation")]);
      expect((await reopened.get("p2", ALL_TEAMS))?.ai?.prompt_api).toBe("translation");
    } finally {
      await reopened.close();
    }
  });
}
