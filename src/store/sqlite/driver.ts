/**
 * SQLite through bun:sqlite: one connection, WAL so readers in other
 * processes are not blocked, BEGIN IMMEDIATE so a write transaction takes
 * the write lock up front instead of failing to upgrade a read lock
 * half-way.
 *
 * Waiting for the write lock is done here, asynchronously, rather than by a
 * long busy_timeout: SQLite's busy handler sleeps on the JS thread, and a
 * writer holding the lock in the same process (a second store on the same
 * file) could then never finish its transaction.
 */
import { Database } from "bun:sqlite";
import type { SQLQueryBindings } from "bun:sqlite";
import { SQLITE_MIGRATIONS } from "../migrations/sqlite.ts";
import type { ConstraintKind, Dialect, Driver, Params, Queryer, SqlRow } from "../sql/driver.ts";
import { Mutex } from "./mutex.ts";

/** SQLite's own wait for short lock contention (blocks the thread, so kept small). */
export const BUSY_TIMEOUT_MS = 50;
/** How long a write waits for another writer before failing with SQLITE_BUSY. */
export const WRITE_LOCK_WAIT_MS = 10_000;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT";
}

export const sqliteDialect: Dialect = {
  name: "sqlite",
  jsonParam: "?",
  docField(field) {
    const path = `$.${field}`;
    // json_extract turns JSON booleans into 1/0; PostgreSQL's ->> gives 'true'/'false'. Match the latter.
    return {
      sql: `(CASE json_type(doc, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(doc, ?) AS TEXT) END)`,
      params: [path, path],
    };
  },
  constraintOf(err): ConstraintKind | null {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code !== "string") return null;
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return "unique";
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return "foreign_key";
    if (code === "SQLITE_CONSTRAINT_NOTNULL") return "not_null";
    return null;
  },
};

function bindings(params: Params | undefined): SQLQueryBindings[] {
  return (params ?? []) as SQLQueryBindings[];
}

export class SqliteDriver implements Driver {
  readonly dialect = sqliteDialect;
  readonly migrations = SQLITE_MIGRATIONS;
  private readonly mutex = new Mutex();
  private readonly q: Queryer;

  constructor(private readonly db: Database) {
    const query = (sql: string) => db.query<SqlRow, SQLQueryBindings[]>(sql);
    this.q = {
      all: async (sql, params) => query(sql).all(...bindings(params)),
      run: async (sql, params) => {
        query(sql).run(...bindings(params));
      },
    };
  }

  static open(path: string): SqliteDriver {
    const db = new Database(path, { create: true });
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (path !== ":memory:") db.run("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL loses no committed data on a process crash, only on power loss.
    db.run("PRAGMA synchronous = NORMAL");
    db.run("PRAGMA foreign_keys = ON");
    return new SqliteDriver(db);
  }

  write<T>(fn: (q: Queryer) => Promise<T>): Promise<T> {
    return this.mutex.run(() => this.inTransaction("BEGIN IMMEDIATE", fn));
  }

  private async begin(statement: string): Promise<void> {
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        this.db.run(statement);
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
        await Bun.sleep(Math.min(5 * 2 ** attempt, 50));
      }
    }
  }

  read<T>(fn: (q: Queryer) => Promise<T>, snapshot: boolean): Promise<T> {
    return this.mutex.run(() => (snapshot ? this.inTransaction("BEGIN DEFERRED", fn) : fn(this.q)));
  }

  async lockMigrations(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's single write lock.
  }

  async afterBump(): Promise<void> {
    // Other processes notice the new revision by polling.
  }

  async close(): Promise<void> {
    await this.mutex.idle();
    this.db.close();
  }

  private async inTransaction<T>(begin: string, fn: (q: Queryer) => Promise<T>): Promise<T> {
    await this.begin(begin);
    try {
      const result = await fn(this.q);
      this.db.run("COMMIT");
      return result;
    } catch (err) {
      // SQLite may already have rolled back on its own (e.g. a full disk).
      if (this.db.inTransaction) this.db.run("ROLLBACK");
      throw err;
    }
  }
}
