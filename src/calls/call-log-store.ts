/**
 * One interface over the places call records are kept (a SQLite file of
 * their own, or a time-partitioned PostgreSQL table), with one shared test
 * suite (test/telemetry/call-log-store.case.ts) run against each.
 */
import type { TeamScope } from "../control/scope.ts";
import type { CallRecord } from "../telemetry/call-record.ts";
import type { CallLogSink } from "../telemetry/log-queue.ts";

export type StatusClass = 1 | 2 | 3 | 4 | 5;

/** Filters of a call search; every one is optional and they combine with AND. */
export interface CallFilter {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  team_id?: string;
  service_id?: string;
  route_id?: string;
  application_id?: string;
  /** 2 → 200..299 and so on. */
  status_class?: StatusClass;
  status?: number;
  error_code?: string;
  provider?: string;
  model?: string;
  min_latency_ms?: number;
  request_id?: string;
  /** Case-insensitive substring of the path or the error code. */
  text?: string;
}

export interface CallQuery extends CallFilter {
  /** 1..1000. */
  limit: number;
  /** Position after which the page starts (newest first). */
  after?: CallCursor;
}

/** Calls are listed newest first, ties broken by request id, so a cursor is stable while rows arrive. */
export interface CallCursor {
  ts: number;
  request_id: string;
}

export interface CallPage {
  /** Newest first; bodies are left out (see get()). */
  items: CallRecord[];
  next?: CallCursor;
}

/** How long calls are kept: per team, and a default for every other call. */
export interface RetentionPolicy {
  default_days: number;
  teams: ReadonlyMap<string, number>;
}

export interface PruneStep {
  deleted: number;
  /** Whether more expired rows remain (the caller runs another step later). */
  more: boolean;
}

export interface CallLogStore extends CallLogSink {
  readonly backend: "sqlite" | "postgres";
  list(query: CallQuery, scope: TeamScope): Promise<CallPage>;
  /** One call with its bodies, or null when absent or outside the scope. */
  get(requestId: string, scope: TeamScope): Promise<CallRecord | null>;
  /**
   * Deletes a bounded slice of the calls older than the policy allows, so
   * writes never wait long behind it; `now` is epoch ms.
   */
  prune(policy: RetentionPolicy, now: number): Promise<PruneStep>;
}
