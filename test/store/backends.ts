/**
 * The store backends tests run over, and fresh databases for them.
 *
 * SQLite databases are files in a temporary directory (so a second store,
 * or another process, can open the same database). PostgreSQL databases
 * are schemas of their own in the `test` database, created per fresh() and
 * dropped by dispose(), so parallel runs never see each other's rows.
 *
 * When PostgreSQL cannot be reached, availableBackends() leaves it out
 * with a loud warning, except under CI=true, where it throws.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { openStore } from "../../src/store/open.ts";
import { openPostgresStore } from "../../src/store/postgres/open.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import type { Store } from "../../src/store/store.ts";

export type BackendName = "sqlite" | "postgres";

export const POSTGRES_TEST_URL = process.env.WAYGATE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const SCHEMA_PREFIX = "wgt_";
/** Schemas left by crashed runs are dropped once they are this old. */
const STALE_SCHEMA_SECONDS = 3600;

export interface FreshOptions {
  /** Apply migrations (default true). Without, the store is empty of tables. */
  migrate?: boolean;
}

export interface TestDatabase {
  readonly backend: BackendName;
  /** A store on a database nobody else uses. */
  readonly store: Store;
  /** openStore(url) reaches the same database, as another process would. */
  readonly url: string;
  /** Another store on the same database (not migrated by itself); closed by dispose(). */
  open(options?: FreshOptions): Promise<Store>;
  /** Closes every store of this database and deletes the database. */
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: BackendName;
  fresh(options?: FreshOptions): Promise<TestDatabase>;
}

async function openAt(backend: BackendName, url: string, migrate: boolean): Promise<Store> {
  if (migrate) return openStore(url);
  return backend === "sqlite" ? openSqliteStore(url.slice("sqlite:".length)) : openPostgresStore(url);
}

function testDatabase(backend: BackendName, url: string, first: Store, drop: () => Promise<void>): TestDatabase {
  const stores = [first];
  return {
    backend,
    store: first,
    url,
    async open(options = {}) {
      const store = await openAt(backend, url, options.migrate ?? true);
      stores.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      await drop();
    },
  };
}

export const sqliteBackend: Backend = {
  name: "sqlite",
  async fresh(options = {}) {
    const dir = mkdtempSync(join(tmpdir(), "waygate-store-"));
    const url = `sqlite:${join(dir, "waygate.db")}`;
    const store = await openAt("sqlite", url, options.migrate ?? true);
    return testDatabase("sqlite", url, store, async () => rmSync(dir, { recursive: true, force: true }));
  },
};

function adminClient(): postgres.Sql {
  return postgres(POSTGRES_TEST_URL, { max: 1, connect_timeout: 3, onnotice: () => undefined });
}

let staleSweep: Promise<void> | null = null;

async function dropStaleSchemas(): Promise<void> {
  const sql = adminClient();
  try {
    const cutoff = Math.floor(Date.now() / 1000) - STALE_SCHEMA_SECONDS;
    const rows = await sql<{ nspname: string }[]>`SELECT nspname FROM pg_namespace WHERE nspname LIKE ${`${SCHEMA_PREFIX}%`}`;
    for (const { nspname } of rows) {
      const born = Number(nspname.split("_")[1]);
      if (Number.isFinite(born) && born < cutoff) await sql.unsafe(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function dropSchema(schema: string): Promise<void> {
  const sql = adminClient();
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export const postgresBackend: Backend = {
  name: "postgres",
  async fresh(options = {}) {
    staleSweep ??= dropStaleSchemas().catch(() => undefined);
    await staleSweep;
    const schema = `${SCHEMA_PREFIX}${Math.floor(Date.now() / 1000)}_${crypto.randomUUID().slice(0, 8)}`;
    const url = new URL(POSTGRES_TEST_URL);
    url.searchParams.set("schema", schema);
    const store = await openAt("postgres", url.toString(), options.migrate ?? true);
    return testDatabase("postgres", url.toString(), store, () => dropSchema(schema));
  },
};

/** Every backend there is; availableBackends() says which can run here. */
export const ALL_BACKENDS: readonly Backend[] = [sqliteBackend, postgresBackend];

let reachable: Promise<boolean> | null = null;

/** Whether the test PostgreSQL answers (checked once per process). */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const sql = postgres(POSTGRES_TEST_URL, { max: 1, connect_timeout: 2, onnotice: () => undefined });
    try {
      await sql`SELECT 1`;
      return true;
    } catch {
      return false;
    } finally {
      await sql.end({ timeout: 0 }).catch(() => undefined);
    }
  })();
  return reachable;
}

export function postgresUnreachableMessage(): string {
  return `PostgreSQL at ${POSTGRES_TEST_URL} is unreachable`;
}

let warned = false;

/** Prints (once) the warning that PostgreSQL tests are not running. */
export function warnPostgresMissing(): void {
  if (warned) return;
  warned = true;
  const line = "!".repeat(78);
  console.warn(`\n${line}\n!!! ${postgresUnreachableMessage()}: PostgreSQL store tests are NOT running.\n!!! Start PostgreSQL (trust auth, database "test") or set WAYGATE_TEST_POSTGRES_URL.\n${line}\n`);
}

/**
 * Every backend a test should run over. Without PostgreSQL: only SQLite and
 * a warning, or, under CI=true, an error, since CI must test both.
 */
export async function availableBackends(): Promise<Backend[]> {
  if (await postgresReachable()) return [sqliteBackend, postgresBackend];
  if (process.env.CI === "true") throw new Error(`${postgresUnreachableMessage()} (CI=true requires it)`);
  warnPostgresMissing();
  return [sqliteBackend];
}

export function backend(name: BackendName): Backend {
  return name === "sqlite" ? sqliteBackend : postgresBackend;
}

/** A fresh, migrated, empty store of one kind; dispose() when done. */
export function freshStore(name: BackendName, options?: FreshOptions): Promise<TestDatabase> {
  return backend(name).fresh(options);
}
