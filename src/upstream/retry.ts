/**
 * Whether and when to retry a failed attempt, and the budget that keeps
 * retries from multiplying load on an upstream that is already struggling.
 */
import type { RetryPolicy } from "../config/entities.ts";
import type { Clock } from "../core/clock.ts";
import type { AttemptOutcome } from "./types.ts";
import { SlidingCounts } from "./window.ts";

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

export type RetryReason =
  // retry
  | "connect_failure"
  | "timeout"
  | "reset"
  | "status"
  | "rate_limited"
  // don't
  | "succeeded"
  | "cancelled"
  | "sent_to_client"
  | "not_retryable"
  | "attempts_exhausted"
  | "non_idempotent"
  | "body_not_replayable"
  | "retry_after_too_long";

export interface RetryDecision {
  retry: boolean;
  reason: RetryReason;
  /** Wait before the next attempt (set when retry is true). */
  delayMs?: number;
}

export interface RetryContext {
  method: string;
  /** The attempt that just ended, 1-based. */
  attempt: number;
  policy: RetryPolicy;
  retryAfterHeader?: string | null;
  /** The request body can be sent again (buffered, or there is none). */
  bodyReplayable: boolean;
  /** Something of the response already went to the client. */
  sentToClient: boolean;
  /** Wall-clock ms for Retry-After dates; defaults to Date.now(). */
  now?: number;
  random?: () => number;
}

/**
 * Connect failures are retried for every method: the connection never came
 * up, so the upstream cannot have seen the request (nginx does the same).
 * Resets and timeouts may hit a request the upstream is already executing,
 * so they follow the idempotency rule like statuses do.
 */
export function retryDecision(outcome: AttemptOutcome, ctx: RetryContext): RetryDecision {
  const trigger = retryTrigger(outcome, ctx.policy);
  if (trigger === "cancelled" || trigger === "succeeded" || trigger === "not_retryable") return { retry: false, reason: trigger };
  if (ctx.sentToClient) return { retry: false, reason: "sent_to_client" };
  if (ctx.attempt >= ctx.policy.attempts) return { retry: false, reason: "attempts_exhausted" };
  if (!ctx.bodyReplayable) return { retry: false, reason: "body_not_replayable" };
  if (trigger !== "connect_failure" && !isIdempotent(ctx.method) && !ctx.policy.retry_non_idempotent) {
    return { retry: false, reason: "non_idempotent" };
  }
  if (trigger === "rate_limited") {
    const waitMs = parseRetryAfter(ctx.retryAfterHeader ?? null, ctx.now ?? Date.now());
    if (waitMs !== null) {
      if (waitMs > ctx.policy.max_retry_after_ms) return { retry: false, reason: "retry_after_too_long" };
      return { retry: true, reason: trigger, delayMs: waitMs };
    }
  }
  return { retry: true, reason: trigger, delayMs: backoffMs(ctx.attempt, ctx.policy, ctx.random) };
}

type Trigger = "connect_failure" | "timeout" | "reset" | "status" | "rate_limited" | "succeeded" | "cancelled" | "not_retryable";

function retryTrigger(outcome: AttemptOutcome, policy: RetryPolicy): Trigger {
  switch (outcome.kind) {
    case "cancelled":
      return "cancelled";
    case "connect_failure":
      return policy.on_connect_failure ? "connect_failure" : "not_retryable";
    case "timeout":
      return policy.on_timeout ? "timeout" : "not_retryable";
    case "reset":
      // A reset is a connection-level gateway failure; it is retried under the same switch as 502s are.
      return policy.on_statuses.includes(502) ? "reset" : "not_retryable";
    case "response":
      if (outcome.status === 429) return policy.on_429 || policy.on_statuses.includes(429) ? "rate_limited" : "not_retryable";
      if (policy.on_statuses.includes(outcome.status)) return "status";
      return outcome.status < 400 ? "succeeded" : "not_retryable";
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `now`; null when absent or malformed. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null) return null;
  const v = header.trim();
  if (v === "") return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP date always names its weekday or month; this keeps Date.parse's leniency ("-1" is a year) out.
  if (!/[a-z]/i.test(v)) return null;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog): uniform in
 * [0, min(backoff_max_ms, backoff_base_ms × 2^(attempt−1))). Jitter spreads
 * the retries of many clients that failed at the same instant.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = policy.backoff_base_ms * 2 ** Math.max(0, attempt - 1);
  const cap = Math.min(policy.backoff_max_ms, exp);
  return Math.floor(random() * cap);
}

type BudgetField = "requests" | "retries";
const BUDGET_FIELDS: readonly BudgetField[] = ["requests", "retries"];
export const RETRY_BUDGET_WINDOW_MS = 10_000;

/**
 * Envoy / Finagle-style retry budget over a sliding 10 s window: a retry is
 * allowed while retries < max(budget_min_per_second × 10, budget_percent % of
 * the first attempts). The floor keeps low-traffic services retrying; the
 * percentage caps the extra load a failing upstream receives.
 */
export class RetryBudget {
  private readonly window = new SlidingCounts<BudgetField>(RETRY_BUDGET_WINDOW_MS, BUDGET_FIELDS);

  constructor(
    private policy: Pick<RetryPolicy, "budget_percent" | "budget_min_per_second">,
    private readonly clock: Clock,
  ) {}

  /** Counts a first attempt. */
  recordRequest(now = this.clock.now()): void {
    this.window.add(now, "requests");
  }

  /** Would a retry be allowed now? Does not count one. */
  canRetry(now = this.clock.now()): boolean {
    const { requests, retries } = this.window.totals(now);
    const floor = (this.policy.budget_min_per_second * RETRY_BUDGET_WINDOW_MS) / 1000;
    const share = (this.policy.budget_percent / 100) * requests;
    return retries < Math.max(floor, share);
  }

  /** Takes one retry from the budget; false (and nothing counted) when it is spent. */
  tryAcquireRetry(now = this.clock.now()): boolean {
    if (!this.canRetry(now)) return false;
    this.window.add(now, "retries");
    return true;
  }

  updatePolicy(policy: Pick<RetryPolicy, "budget_percent" | "budget_min_per_second">): void {
    this.policy = policy;
  }
}
