/** `waygate serve`'s call log: where it goes (--call-log) and how long calls stay (--call-log-retention-days). */
import { join } from "node:path";
import { WaygateError } from "../core/errors.ts";
import type { Store } from "../store/store.ts";
import type { CallLogStore } from "./call-log-store.ts";
import { openCallLogStore, parseCallLogLocation } from "./open.ts";
import { RetentionRunner } from "./retention.ts";
import { teamRetention } from "./team-retention.ts";

export const DEFAULT_RETENTION_DAYS = 30;

export interface ServeCallLog {
  store: CallLogStore;
  retention: RetentionRunner;
}

export interface ServeCallLogOptions {
  /** --call-log / $WAYGATE_CALL_LOG. */
  location: string | undefined;
  /** --call-log-retention-days / $WAYGATE_CALL_LOG_RETENTION_DAYS. */
  retentionDays: string | undefined;
  /** The configuration store's URL, for `--call-log store`. */
  storeUrl: string;
  dataDir: string;
  /** Where team retention settings are read. */
  store: Store;
}

export function parseRetentionDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RETENTION_DAYS;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new WaygateError("config_invalid", `--call-log-retention-days must be a whole number of days from 1 to 3650, not ${JSON.stringify(text)}`);
  }
  return days;
}

export async function openServeCallLog(opts: ServeCallLogOptions): Promise<ServeCallLog> {
  const days = parseRetentionDays(opts.retentionDays);
  const store = await openCallLogStore(parseCallLogLocation(opts.location, opts.storeUrl, join(opts.dataDir, "calls.db")));
  return { store, retention: new RetentionRunner(store, () => teamRetention(opts.store, days)) };
}
