/**
 * Opens a PostgreSQL store. A `schema` query parameter
 * (postgres://host/db?schema=name) confines the store to that schema: it is
 * created when missing and becomes the connection's search_path.
 */
import postgres from "postgres";
import { SqlStore } from "../sql/sql-store.ts";
import { PostgresDriver } from "./driver.ts";

export interface PostgresStoreOptions {
  /** Pool size for queries (default 10). */
  max?: number;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<SqlStore> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  const connect = (max: number): postgres.Sql =>
    postgres(parsed.toString(), {
      max,
      // Idle connections are closed so a forgotten store does not hold the process open forever.
      idle_timeout: 30,
      onnotice: () => undefined,
      connection: schema ? { search_path: quoteIdent(schema) } : {},
    });
  const sql = connect(options.max ?? 10);
  try {
    if (schema) await createSchema(sql, schema);
    const [row] = await sql.unsafe<{ schema: string | null }[]>("SELECT current_schema() AS schema");
    if (!row?.schema) throw new Error("PostgreSQL has no current schema; set one with ?schema=name");
    return new SqlStore(new PostgresDriver(sql, row.schema, () => connect(1)));
  } catch (err) {
    await sql.end({ timeout: 0 });
    throw err;
  }
}

async function createSchema(sql: postgres.Sql, schema: string): Promise<void> {
  try {
    await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (err) {
    // Two processes creating the same schema at once: the loser's duplicate is harmless.
    const code = (err as { code?: unknown }).code;
    if (code !== "23505" && code !== "42P06") throw err;
  }
}
