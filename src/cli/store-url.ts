/** Where the CLI finds the database, and how it shows that location without leaking a password. */
export const DEFAULT_DB_URL = "sqlite:./data/waygate.db";

export function dbUrl(flag: string | undefined, env: Record<string, string | undefined> = process.env): string {
  return flag ?? env.WAYGATE_DB ?? DEFAULT_DB_URL;
}

export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]+):[^@/]*@/i, "$1:***@");
}

export const DB_OPTION_HELP = `  --db URL        Store URL (default: $WAYGATE_DB or ${DEFAULT_DB_URL})
                  sqlite:PATH | sqlite::memory: | postgres://user@host:5432/db`;
