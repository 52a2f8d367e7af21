/** Opens a SQLite store on a file (its directory is created) or on ":memory:". */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { SqlStore } from "../sql/sql-store.ts";
import { SqliteDriver } from "./driver.ts";

export function openSqliteStore(path: string): SqlStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return new SqlStore(SqliteDriver.open(path));
}
