/**
 * PostgreSQL through the `postgres` package. Commits are announced with
 * NOTIFY from inside the write transaction, so listeners hear of a change
 * exactly when it becomes visible. The channel is shared by every schema of
 * the database; the payload names the schema so stores in other schemas
 * (parallel test runs, several deployments) ignore each other.
 */
import postgres from "postgres";
import { POSTGRES_MIGRATIONS } from "../migrations/postgres.ts";
import type { ConstraintKind, Dialect, Driver, Params, Queryer, SqlRow } from "../sql/driver.ts";

export const NOTIFY_CHANNEL = "waygate_revision";

type Sql = postgres.Sql;
type Parameter = postgres.ParameterOrJSON<never>;

const CONSTRAINT_CODES: Record<string, ConstraintKind> = {
  "23505": "unique",
  "23503": "foreign_key",
  "23502": "not_null",
};

export const postgresDialect: Dialect = {
  name: "postgres",
  jsonParam: "CAST(CAST(? AS text) AS jsonb)",
  docField(field) {
    return { sql: "(doc ->> ?)", params: [field] };
  },
  constraintOf(err): ConstraintKind | null {
    const code = (err as { code?: unknown } | null)?.code;
    return typeof code === "string" ? (CONSTRAINT_CODES[code] ?? null) : null;
  },
};

/** `?` → `$1, $2, …`; the store's statements contain no `?` inside literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function queryer(sql: postgres.Sql | postgres.TransactionSql): Queryer {
  return {
    all: async (text: string, params?: Params) =>
      (await sql.unsafe(numberPlaceholders(text), (params ?? []) as Parameter[], { prepare: true })) as unknown as SqlRow[],
    run: async (text: string, params?: Params) => {
      await sql.unsafe(numberPlaceholders(text), (params ?? []) as Parameter[], { prepare: true });
    },
  };
}

export class PostgresDriver implements Driver {
  readonly dialect = postgresDialect;
  readonly migrations = POSTGRES_MIGRATIONS;
  private readonly listeners = new Set<() => void>();
  private listenSql: Sql | null = null;
  private live = false;

  /**
   * @param sql the pool for queries
   * @param schema the schema the pool's search_path resolves to
   * @param connect opens another client with the same settings (for LISTEN)
   */
  constructor(
    private readonly sql: Sql,
    readonly schema: string,
    private readonly connect: () => Sql,
  ) {}

  async write<T>(fn: (q: Queryer) => Promise<T>): Promise<T> {
    return (await this.sql.begin((tx) => fn(queryer(tx)))) as T;
  }

  async read<T>(fn: (q: Queryer) => Promise<T>, snapshot: boolean): Promise<T> {
    if (!snapshot) return fn(queryer(this.sql));
    return (await this.sql.begin("isolation level repeatable read read only", (tx) => fn(queryer(tx)))) as T;
  }

  async lockMigrations(q: Queryer): Promise<void> {
    await q.all(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.waygate.migrate'))::text AS locked`);
  }

  async afterBump(q: Queryer, revision: number): Promise<void> {
    await q.all(`SELECT pg_notify(?, ?)::text AS sent`, [NOTIFY_CHANNEL, `${this.schema}:${revision}`]);
  }

  subscribe(onNotify: () => void): () => void {
    this.listeners.add(onNotify);
    if (!this.listenSql) this.listen();
    else if (this.live) onNotify();
    return () => {
      this.listeners.delete(onNotify);
      if (this.listeners.size === 0) this.unlisten();
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.unlisten();
    await this.sql.end({ timeout: 5 });
  }

  private notifyAll(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** A client of its own, so the LISTEN connection closes when the last watcher leaves. */
  private listen(): void {
    const sql = this.connect();
    this.listenSql = sql;
    const prefix = `${this.schema}:`;
    sql
      .listen(
        NOTIFY_CHANNEL,
        (payload) => {
          if (payload.startsWith(prefix)) this.notifyAll();
        },
        // Also on every reconnect: a commit made while not listening is caught by this check.
        () => {
          if (this.listenSql !== sql) return;
          this.live = true;
          this.notifyAll();
        },
      )
      .catch(() => {
        // The watcher's poll still sees every change, only later.
      });
  }

  private unlisten(): void {
    const sql = this.listenSql;
    this.listenSql = null;
    this.live = false;
    if (sql) void sql.end({ timeout: 0 }).catch(() => undefined);
  }
}
