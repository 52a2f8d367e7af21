import type { Policy } from "../policies/policy.ts";
import type { CallRecord } from "../telemetry/call-record.ts";
import type { RequestTrace } from "../telemetry/tracing/request-trace.ts";
import type { CompiledRoute } from "../snapshot/snapshot.ts";

/** Per-request state shared by the pipeline stages. */
export interface RequestContext {
  readonly requestId: string;
  readonly req: Request;
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** Including the leading '?', or ''; what the upstream gets (credential hiding may strip a parameter). */
  query: string;
  readonly clientIp: string;
  /** performance.now() at arrival. */
  readonly startedAt: number;
  route: CompiledRoute | undefined;
  params: Record<string, string>;
  /** Remainder of the path after the route's matched part (for strip_path). */
  rest: string;
  matchedPath: string;
  applicationId: string | undefined;
  /** The calling application's name, for routing conditions (`app.name`). */
  applicationName: string | undefined;
  credentialId: string | undefined;
  /** The team the calling application belongs to (per-team quotas and budgets). */
  applicationTeamId?: string | undefined;
  /**
   * The policy chain this request follows (the route's, or the calling
   * application's once authentication named it); set before the request is
   * proxied or handed to the AI endpoints, which call the later hooks.
   */
  policies?: readonly Policy[];
  /**
   * The request body once a policy has read it (see buffered-body.ts); when
   * set, it is what the upstream or the AI endpoint gets instead of req.body,
   * so a policy may also replace it (masking).
   */
  body?: Uint8Array;
  /** Request headers that must not reach the upstream (e.g. the credential). */
  dropHeaders: Set<string> | undefined;
  /**
   * Request headers to append for the upstream after `dropHeaders` is
   * applied (header transforms; a header replaced by a policy is in both).
   */
  extraHeaders?: Array<[string, string]>;
  /** A request body cap lower than the service's, set by policies (request_size). */
  maxRequestBodyBytes?: number;
  /** W3C trace context of this request: the caller's trace continued, or a new one. */
  trace?: RequestTrace;
  /** Milliseconds spent waiting on upstreams, for the gateway-overhead figure. */
  upstreamMs: number;
  readonly record: CallRecord;
}
