/**
 * The Store over any Driver. Standalone operations each run in their own
 * transaction; transaction() hands fn one Session, and the store object
 * itself, used inside fn, joins that transaction too (found through
 * AsyncLocalStorage) instead of waiting on a lock fn holds.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { EntityMap, EntitySet, Kind } from "../../config/entities.ts";
import { KINDS } from "../../config/entities.ts";
import { rowToEntity, selectList } from "../rows.ts";
import type { EntityData, ListQuery, Page, Store, StoreOps } from "../store.ts";
import type { Driver, Queryer } from "./driver.ts";
import { runMigrations } from "./migrate.ts";
import { Session } from "./session.ts";
import { startWatch } from "./watch.ts";

interface Active {
  session: Session;
  q: Queryer;
  open: boolean;
}

async function readRevision(q: Queryer): Promise<number> {
  const [row] = await q.all(`SELECT value FROM meta WHERE key = 'revision'`);
  return Number(row?.value ?? 0);
}

export class SqlStore implements Store {
  readonly dialect: "sqlite" | "postgres";
  private readonly active = new AsyncLocalStorage<Active>();
  private readonly watchers = new Set<() => void>();
  private closed: Promise<void> | null = null;

  constructor(private readonly driver: Driver) {
    this.dialect = driver.dialect.name;
  }

  get db(): Driver {
    return this.driver;
  }

  migrate(): Promise<number[]> {
    return runMigrations(this.driver);
  }

  list<K extends Kind>(kind: K, query?: ListQuery): Promise<Page<EntityMap[K]>> {
    return this.read((s) => s.list(kind, query), true);
  }

  get<K extends Kind>(kind: K, id: string): Promise<EntityMap[K] | null> {
    return this.read((s) => s.get(kind, id));
  }

  getByName<K extends Kind>(kind: K, name: string): Promise<EntityMap[K] | null> {
    return this.read((s) => s.getByName(kind, name));
  }

  create<K extends Kind>(kind: K, data: EntityData<K>, id?: string): Promise<EntityMap[K]> {
    return this.write((s) => s.create(kind, data, id));
  }

  update<K extends Kind>(kind: K, id: string, data: EntityData<K>): Promise<EntityMap[K]> {
    return this.write((s) => s.update(kind, id, data));
  }

  delete(kind: Kind, id: string): Promise<void> {
    return this.write((s) => s.delete(kind, id));
  }

  transaction<T>(fn: (tx: StoreOps, q: Queryer) => Promise<T>): Promise<T> {
    const active = this.active.getStore();
    if (active?.open) return fn(active.session, active.q);
    return this.write((s) => fn(s, (this.active.getStore() as Active).q));
  }

  revision(): Promise<number> {
    return this.driver.read(readRevision, false);
  }

  loadAll(): Promise<EntitySet> {
    return this.driver.read(async (q) => {
      const set: Record<string, unknown> = { revision: await readRevision(q) };
      for (const kind of KINDS) {
        const rows = await q.all(`SELECT ${selectList(kind)} FROM ${kind} ORDER BY seq`);
        set[kind] = rows.map((row) => rowToEntity(kind, row));
      }
      return set as unknown as EntitySet;
    }, true);
  }

  watch(onChange: (revision: number) => void, pollMs = 250, since?: number): () => void {
    const stop = startWatch(
      { revision: () => this.revision(), subscribe: this.driver.subscribe?.bind(this.driver) },
      onChange,
      { pollMs, since },
    );
    const unsubscribe = (): void => {
      this.watchers.delete(unsubscribe);
      stop();
    };
    this.watchers.add(unsubscribe);
    return unsubscribe;
  }

  close(): Promise<void> {
    if (!this.closed) {
      for (const unsubscribe of [...this.watchers]) unsubscribe();
      this.closed = this.driver.close();
    }
    return this.closed;
  }

  private current(): Session | undefined {
    const active = this.active.getStore();
    return active?.open ? active.session : undefined;
  }

  private read<T>(fn: (s: Session) => Promise<T>, snapshot = false): Promise<T> {
    const session = this.current();
    if (session) return fn(session);
    return this.driver.read((q) => fn(new Session(q, this.driver.dialect)), snapshot);
  }

  private write<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    const session = this.current();
    if (session) return fn(session);
    return this.driver.write(async (q) => {
      const active: Active = { session: new Session(q, this.driver.dialect), q, open: true };
      try {
        const result = await this.active.run(active, () => fn(active.session));
        if (active.session.dirty) await this.bump(q);
        return result;
      } finally {
        active.open = false;
      }
    });
  }

  /** Once per committed write transaction, in that transaction. */
  private async bump(q: Queryer): Promise<void> {
    const [row] = await q.all(`UPDATE meta SET value = value + 1 WHERE key = 'revision' RETURNING value`);
    await this.driver.afterBump(q, Number(row?.value ?? 0));
  }
}
