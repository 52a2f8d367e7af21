/**
 * Whose usage a quota or budget counts together. A request without the
 * chosen identity (no authenticated application, an application without a
 * team, no such header) falls back to the next broader identity it does
 * have — team → application → client IP — so omitting one never escapes
 * the limit.
 */
import type { RequestContext } from "../../gateway/context.ts";

export const QUOTA_KEYS = ["application", "credential", "team", "client_ip", "header"] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];

export interface QuotaSubject {
  /** Counter key part: "team:t1", "app:a1", "cred:c1", "hdr:acme", "ip:10.0.0.1". */
  id: string;
  /** The team the usage belongs to, when known (alerts are shown to that team). */
  teamId: string | null;
  applicationId: string | null;
}

/** Longer header values are hashed so a client cannot make counter keys arbitrarily large. */
const MAX_RAW_VALUE = 128;

export function quotaSubject(ctx: RequestContext, key: QuotaKey, header?: string): QuotaSubject {
  const teamId = ctx.applicationTeamId ?? null;
  const applicationId = ctx.applicationId ?? null;
  const subject = (id: string): QuotaSubject => ({ id, teamId, applicationId });
  switch (key) {
    case "team":
      if (teamId !== null) return subject(`team:${teamId}`);
      break;
    case "credential":
      if (ctx.credentialId !== undefined) return subject(`cred:${ctx.credentialId}`);
      break;
    case "header": {
      const value = header === undefined ? null : ctx.req.headers.get(header);
      if (value !== null && value !== "") {
        return subject(value.length > MAX_RAW_VALUE ? `hdr#${Bun.hash(value).toString(36)}` : `hdr:${value}`);
      }
      break;
    }
    case "application":
    case "client_ip":
      break;
  }
  if (key !== "client_ip" && applicationId !== null) return subject(`app:${applicationId}`);
  return subject(`ip:${ctx.clientIp}`);
}
