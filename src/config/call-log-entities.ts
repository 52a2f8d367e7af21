/** Call-log settings carried by entities: body capture on services and routes, retention on teams. */
import { z } from "zod";

/**
 * Which bodies of a service's (or route's) calls are kept in the call log,
 * each cut at `max_bytes`. Masking and header redaction apply before storage.
 * A route's setting replaces its service's.
 */
export const LogBodiesSpec = z.strictObject({
  request: z.boolean().default(false),
  response: z.boolean().default(false),
  max_bytes: z.number().int().min(1).max(1024 * 1024).default(8192),
});
export type LogBodies = z.output<typeof LogBodiesSpec>;

/** Days a team's calls stay in the call log; the gateway's default applies when absent. */
export const CallLogRetentionDays = z.number().int().min(1).max(3650);
