/**
 * Whose requests a limit counts together. A request without the chosen
 * identity (no authenticated application, no such header) is counted by
 * its client IP instead, so it cannot slip past the limit by omitting it.
 */
import type { RequestContext } from "../../gateway/context.ts";
import type { RateLimitConfig } from "./config.ts";

/** Longer header values are hashed so a client cannot make counter keys arbitrarily large. */
const MAX_RAW_VALUE = 128;

export function subjectOf(ctx: RequestContext, config: RateLimitConfig): string {
  switch (config.key) {
    case "application":
      if (ctx.applicationId !== undefined) return `app:${ctx.applicationId}`;
      break;
    case "credential":
      if (ctx.credentialId !== undefined) return `cred:${ctx.credentialId}`;
      break;
    case "header": {
      const value = config.header === undefined ? null : ctx.req.headers.get(config.header);
      if (value !== null && value !== "") {
        return value.length > MAX_RAW_VALUE ? `hdr#${Bun.hash(value).toString(36)}` : `hdr:${value}`;
      }
      break;
    }
    case "client_ip":
      break;
  }
  return `ip:${ctx.clientIp}`;
}
