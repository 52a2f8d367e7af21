/** One authenticated admin request: who, from where, and what it asked for (for checks and the audit log). */
import type { AuditActor, AuditInput } from "./audit.ts";
import type { Principal } from "./principal.ts";

export interface Caller {
  principal: Principal;
  ip: string | null;
  method: string;
  path: string;
}

export function actorOf(caller: Caller): AuditActor {
  return { userId: caller.principal.user.id, username: caller.principal.user.username, method: caller.principal.method, ip: caller.ip };
}

/** An audit entry for this request; the rest (action, kind, documents, teams) is the change's. */
export function auditOf(caller: Caller, entry: Omit<AuditInput, "actor" | "method" | "path">): AuditInput {
  return { actor: actorOf(caller), method: caller.method, path: caller.path, ...entry };
}
