/**
 * The body of POST /admin/openapi/import: the document and what to do
 * with it. `service` names the service to update, or the one to create
 * when no service has that name.
 */
import { z } from "zod";
import { WaygateError } from "../core/errors.ts";
import { zodIssues } from "../control/issues.ts";

export const ImportOptions = z.strictObject({
  /** The document: inline, or as YAML or JSON text. */
  spec: z.union([z.string().min(1).max(20_000_000), z.record(z.string(), z.unknown())]),
  /** Id or name of the service to update; the name of the service to create when there is none. */
  service: z.string().min(1).max(128),
  /** New service: its team (a member's only team with a service role when absent). */
  team_id: z.string().min(1).max(64).optional(),
  /** New service: an existing upstream (id or name) … */
  upstream_id: z.string().min(1).max(64).optional(),
  /** … or the URL of a target, for which an upstream named after the service is created. */
  target_url: z.url({ protocol: /^https?$/ }).optional(),
  /** Prepended to every route path at the gateway and taken off again before forwarding (routes get a rewrite). */
  path_prefix: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$/, "must be a path like /petstore, without a trailing slash")
    .optional(),
  /** Attach (or refresh) an openapi_validation policy with this document on the service. */
  validate_requests: z.boolean().default(false),
  /** Delete the service's routes that the document does not produce. */
  prune: z.boolean().default(false),
  /** Answer with the plan only; change nothing. */
  dry_run: z.boolean().default(false),
});

export type ImportOptions = z.output<typeof ImportOptions>;

export function readImportOptions(body: unknown): ImportOptions {
  const parsed = ImportOptions.safeParse(body);
  if (!parsed.success) throw new WaygateError("validation_failed", "invalid import request", { details: zodIssues(parsed.error) });
  return parsed.data;
}
