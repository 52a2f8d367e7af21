/**
 * The one way to get a Store from a configuration URL:
 *
 *   sqlite:<path>, sqlite::memory:, or a bare path ending in .db / .sqlite / .sqlite3
 *   postgres://… or postgresql://… (optionally ?schema=name)
 *
 * openStore applies pending migrations before it returns, so callers always
 * get a store whose schema is current; `waygate migrate` is then only
 * needed to migrate without serving.
 */
import { WaygateError } from "../core/errors.ts";
import { openSqliteStore } from "./sqlite/open.ts";
import type { Store } from "./store.ts";

export type StoreLocation = { dialect: "sqlite"; path: string } | { dialect: "postgres"; url: string };

export function parseStoreUrl(url: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: "postgres", url };
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/|\.|[A-Za-z]:)/, "");
    if (path === "") throw new WaygateError("config_invalid", "sqlite: URL needs a path or :memory:");
    return { dialect: "sqlite", path };
  }
  if (/\.(db|sqlite|sqlite3)$/i.test(url)) return { dialect: "sqlite", path: url };
  throw new WaygateError("config_invalid", `unsupported store URL ${JSON.stringify(url)}: use sqlite:<path> or postgres://…`);
}

export async function openStore(url: string): Promise<Store> {
  const location = parseStoreUrl(url);
  // The PostgreSQL client is loaded only when it is used: a SQLite deployment never pays its memory.
  const store = location.dialect === "sqlite" ? openSqliteStore(location.path) : await (await import("./postgres/open.ts")).openPostgresStore(location.url);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
