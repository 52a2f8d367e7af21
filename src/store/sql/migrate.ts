/**
 * Applies pending migrations in one write transaction, under the driver's
 * migration lock, so two processes starting together apply each version
 * exactly once and a failed migration leaves the schema as it was.
 */
import { checkMigrationOrder } from "../migrations/migration.ts";
import type { Driver } from "./driver.ts";

export async function runMigrations(driver: Driver): Promise<number[]> {
  checkMigrationOrder(driver.migrations);
  return driver.write(async (q) => {
    await driver.lockMigrations(q);
    await q.run(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const applied = new Set((await q.all(`SELECT version FROM schema_migrations`)).map((row) => Number(row.version)));
    const done: number[] = [];
    for (const migration of driver.migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await q.run(statement);
      await q.run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
