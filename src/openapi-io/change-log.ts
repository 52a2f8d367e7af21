/**
 * Audit entries for the changes an extension makes, written in the
 * change's own transaction like the entity API's: each created, patched or
 * deleted entity gets its entry, under the request's method and path.
 */
import type { Caller } from "../identity/caller.ts";
import { type AuditInput, recordAudit } from "../identity/audit.ts";
import { auditOf } from "../identity/caller.ts";
import type { Queryer } from "../store/sql/driver.ts";

export type ChangeLog = (entry: Omit<AuditInput, "actor" | "method" | "path">) => Promise<void>;

/** Without a caller (an embedder calling the route directly) there is no one to record. */
export function changeLog(caller: Caller | undefined, q: Queryer): ChangeLog {
  return async (entry) => {
    if (caller) await recordAudit(q, auditOf(caller, entry));
  };
}
