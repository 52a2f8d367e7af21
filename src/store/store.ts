/**
 * One Store interface, several implementations (SQLite, PostgreSQL), one
 * shared test suite (test/store/store.case.ts) run against every one.
 *
 * The store keeps entities as validated documents plus the columns needed
 * for references and uniqueness. Every committed write bumps a single
 * global revision; gateways watch that revision and recompile.
 */
import type { EntityMap, EntitySet, Kind } from "../config/entities.ts";
import type { Driver, Queryer } from "./sql/driver.ts";

export interface ListQuery {
  /** Page size, 1..1000 (default 100). */
  limit?: number;
  /** Opaque cursor from the previous page's `next`. */
  cursor?: string;
  /** Exact-match filters on top-level fields, e.g. { service_id: "…" }. */
  where?: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  /** Cursor for the next page, absent on the last page. */
  next?: string;
  total: number;
}

/** A stored entity without its server-managed fields. */
export type EntityData<K extends Kind> = Omit<EntityMap[K], "id" | "created_at" | "updated_at">;

/** Read and write operations, available on the store and inside a transaction. */
export interface StoreOps {
  list<K extends Kind>(kind: K, query?: ListQuery): Promise<Page<EntityMap[K]>>;
  get<K extends Kind>(kind: K, id: string): Promise<EntityMap[K] | null>;
  /** By the unique `name` (teams, upstreams, services, routes, applications). */
  getByName<K extends Kind>(kind: K, name: string): Promise<EntityMap[K] | null>;
  /** Create with an optional caller-chosen id. Throws WaygateError conflict / reference_not_found. */
  create<K extends Kind>(kind: K, data: EntityData<K>, id?: string): Promise<EntityMap[K]>;
  /** Replace the whole document. Throws not_found / conflict / reference_not_found. */
  update<K extends Kind>(kind: K, id: string, data: EntityData<K>): Promise<EntityMap[K]>;
  /** Throws not_found, or reference_conflict when other entities still point here (cascades excepted). */
  delete(kind: Kind, id: string): Promise<void>;
}

export interface Store extends StoreOps {
  readonly dialect: "sqlite" | "postgres";
  /**
   * The database under the store, for tables outside the configuration
   * model (users, sessions, the audit log, budget alerts): their writes do
   * not bump the revision, since the data plane does not compile them.
   */
  readonly db: Driver;
  /** Apply pending migrations. Idempotent. */
  migrate(): Promise<number[]>;
  /**
   * All writes inside run in one database transaction and bump the revision
   * once. `q` runs statements on the record tables (see `db`) in that same
   * transaction, so e.g. an audit entry commits or rolls back with the change.
   */
  transaction<T>(fn: (tx: StoreOps, q: Queryer) => Promise<T>): Promise<T>;
  revision(): Promise<number>;
  /** Every entity, read consistently at one revision. */
  loadAll(): Promise<EntitySet>;
  /**
   * Calls `onChange` (at most once per change, possibly coalesced) after a
   * revision other than the last seen one is committed, by this process or
   * another. Returns an unsubscribe function.
   *
   * `since` is the revision the caller already has (e.g. from loadAll());
   * any later one is reported even if it was committed before the watch
   * started. Without it the baseline is the revision at the first check.
   */
  watch(onChange: (revision: number) => void, pollMs?: number, since?: number): () => void;
  close(): Promise<void>;
}
