/**
 * A schema change. Versions are applied in increasing order, each once,
 * and recorded in `schema_migrations`. Released migrations are never
 * edited: a change to the schema is a new migration with the next version.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** Throws when versions are not strictly increasing positive integers. */
export function checkMigrationOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`migration ${m.name}: version ${m.version} must be an integer greater than ${previous}`);
    }
    previous = m.version;
  }
}
