/**
 * A policy is a small object with the hooks it needs. The snapshot compiler
 * orders the policies of each route once; the pipeline calls them in order.
 * `onRequest` returns a WaygateError (or a ready Response) to stop the
 * request, or undefined to let it through.
 */
import type { WaygateError } from "../core/errors.ts";
import type { RequestContext } from "../gateway/context.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";

export type PolicyVerdict = WaygateError | Response | undefined;

export interface Policy {
  readonly name: string;
  onRequest?(ctx: RequestContext, snapshot: Snapshot): PolicyVerdict | Promise<PolicyVerdict>;
  /** May edit the headers sent to the client. */
  onResponse?(ctx: RequestContext, headers: Headers): void;
}
