/**
 * Fresh call-log stores for tests: a SQLite file in a temporary directory,
 * or a PostgreSQL schema of its own in the test database (named like the
 * store tests' schemas, so a crashed run's leftovers are swept the same way).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { CallLogStore } from "../../src/calls/call-log-store.ts";
import { PostgresCallLogStore } from "../../src/calls/postgres/store.ts";
import { SqliteCallLogStore } from "../../src/calls/sqlite/store.ts";
import { POSTGRES_TEST_URL } from "../store/backends.ts";

export interface FreshCallLog {
  store: CallLogStore;
  /** SQLite: the file; PostgreSQL: the URL (with ?schema). */
  location: string;
  /** PostgreSQL only: the schema holding the table. */
  schema?: string;
  dispose(): Promise<void>;
}

export async function freshSqliteCallLog(): Promise<FreshCallLog> {
  const dir = mkdtempSync(join(tmpdir(), "waygate-calls-"));
  const path = join(dir, "calls.db");
  const store = new SqliteCallLogStore(path);
  return {
    store,
    location: path,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freshPostgresCallLog(): Promise<FreshCallLog> {
  const schema = `wgt_${Math.floor(Date.now() / 1000)}_${crypto.randomUUID().slice(0, 8)}`;
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set("schema", schema);
  const store = await PostgresCallLogStore.open(url.toString());
  return {
    store,
    location: url.toString(),
    schema,
    async dispose() {
      await store.close();
      const sql = postgres(POSTGRES_TEST_URL, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  };
}

/** A client whose search_path is the fresh store's schema, for looking at the table directly. */
export function schemaClient(schema: string): postgres.Sql {
  return postgres(POSTGRES_TEST_URL, { max: 1, onnotice: () => undefined, connection: { search_path: `"${schema}"` } });
}
