/**
 * Where `waygate serve --call-log` keeps calls:
 *
 *   PATH or sqlite:PATH    a SQLite file of its own (default DATA_DIR/calls.db)
 *   postgres://…           a day-partitioned table in that PostgreSQL database (?schema=name allowed)
 *   store                  next to the configuration: the same PostgreSQL database when the
 *                          store is PostgreSQL, else the default SQLite file
 */
import { WaygateError } from "../core/errors.ts";
import type { CallLogStore } from "./call-log-store.ts";
import { SqliteCallLogStore } from "./sqlite/store.ts";

export type CallLogLocation = { backend: "sqlite"; path: string } | { backend: "postgres"; url: string };

/**
 * @param storeUrl the configuration store's URL (for `store`)
 * @param defaultPath the SQLite file used when nothing else is named
 */
export function parseCallLogLocation(value: string | undefined, storeUrl: string, defaultPath: string): CallLogLocation {
  if (value === undefined) return { backend: "sqlite", path: defaultPath };
  if (value === "store") {
    return /^postgres(ql)?:\/\//i.test(storeUrl) ? { backend: "postgres", url: storeUrl } : { backend: "sqlite", path: defaultPath };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) return { backend: "postgres", url: value };
  const path = value.startsWith("sqlite:") ? value.slice("sqlite:".length) : value;
  if (path === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new WaygateError("config_invalid", `unsupported call log ${JSON.stringify(value)}: use a file path, sqlite:PATH, postgres://… or store`);
  }
  return { backend: "sqlite", path };
}

export async function openCallLogStore(location: CallLogLocation): Promise<CallLogStore> {
  if (location.backend === "sqlite") return new SqliteCallLogStore(location.path);
  // Loaded only when used, so a SQLite deployment never pays for the PostgreSQL client.
  const { PostgresCallLogStore } = await import("./postgres/store.ts");
  return PostgresCallLogStore.open(location.url);
}
