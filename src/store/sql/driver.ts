/**
 * What the shared SQL store needs from a database: a way to run statements
 * inside a write transaction or a (possibly snapshot) read, and the few
 * places where SQLite and PostgreSQL spell things differently. Statements
 * use `?` placeholders; drivers translate them when their database wants
 * something else.
 */
import type { Migration } from "../migrations/migration.ts";

export type Params = readonly unknown[];
export type SqlRow = Record<string, unknown>;

export interface Queryer {
  all(sql: string, params?: Params): Promise<SqlRow[]>;
  run(sql: string, params?: Params): Promise<void>;
}

export type ConstraintKind = "unique" | "foreign_key" | "not_null";

export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** Placeholder expression for a JSON document parameter (a JSON string). */
  readonly jsonParam: string;
  /** A text-valued expression for a top-level field of the `doc` column. */
  docField(field: string): { sql: string; params: unknown[] };
  /** Which constraint a database error violated, if it is a constraint error. */
  constraintOf(err: unknown): ConstraintKind | null;
}

export interface Driver {
  readonly dialect: Dialect;
  readonly migrations: readonly Migration[];
  /** Runs fn in one write transaction; commits when it resolves, rolls back when it throws. */
  write<T>(fn: (q: Queryer) => Promise<T>): Promise<T>;
  /** Runs fn as a read; with `snapshot`, every statement sees the same committed state. */
  read<T>(fn: (q: Queryer) => Promise<T>, snapshot: boolean): Promise<T>;
  /** Serialises concurrent migrate() calls from several processes (inside the write transaction). */
  lockMigrations(q: Queryer): Promise<void>;
  /** Called in the write transaction right after the revision was bumped. */
  afterBump(q: Queryer, revision: number): Promise<void>;
  /**
   * Push notification of commits made by anyone, where the database offers
   * it. `onNotify` is also called once the subscription is live, so a commit
   * made while it was being set up is not missed. Returns unsubscribe.
   */
  subscribe?(onNotify: () => void): () => void;
  close(): Promise<void>;
}
