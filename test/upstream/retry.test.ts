import { describe, expect, test } from "bun:test";
import { RetrySpec, type RetryPolicy } from "../../src/config/entities.ts";
import { FakeClock } from "../../src/core/clock.ts";
import { backoffMs, isIdempotent, parseRetryAfter, RetryBudget, retryDecision, type RetryReason } from "../../src/upstream/retry.ts";
import type { AttemptOutcome } from "../../src/upstream/types.ts";

const policy: RetryPolicy = RetrySpec.parse({ attempts: 3 });
const status = (s: number): AttemptOutcome => ({ kind: "response", status: s, durationMs: 5 });
const refused: AttemptOutcome = { kind: "connect_failure", durationMs: 1, message: "refused" };
const timeout: AttemptOutcome = { kind: "timeout", durationMs: 30_000, message: "ttfb" };
const reset: AttemptOutcome = { kind: "reset", durationMs: 3, message: "socket hang up" };
const NOW = Date.parse("2026-03-01T12:00:00Z");

interface Row {
  name: string;
  outcome: AttemptOutcome;
  method?: string;
  attempt?: number;
  policy?: Partial<RetryPolicy>;
  retryAfter?: string;
  bodyReplayable?: boolean;
  sentToClient?: boolean;
  retry: boolean;
  reason: RetryReason;
  delayMs?: number;
}

const rows: Row[] = [
  { name: "connect failure on GET", outcome: refused, retry: true, reason: "connect_failure" },
  { name: "connect failure on POST: the request never left", outcome: refused, method: "POST", retry: true, reason: "connect_failure" },
  { name: "connect failure switched off", outcome: refused, policy: { on_connect_failure: false }, retry: false, reason: "not_retryable" },
  { name: "timeout on GET", outcome: timeout, retry: true, reason: "timeout" },
  { name: "timeout switched off", outcome: timeout, policy: { on_timeout: false }, retry: false, reason: "not_retryable" },
  { name: "timeout on POST", outcome: timeout, method: "POST", retry: false, reason: "non_idempotent" },
  { name: "timeout on POST with retry_non_idempotent", outcome: timeout, method: "POST", policy: { retry_non_idempotent: true }, retry: true, reason: "timeout" },
  { name: "reset on GET (a 502 kind of failure)", outcome: reset, retry: true, reason: "reset" },
  { name: "reset when 502 is not retried", outcome: reset, policy: { on_statuses: [503] }, retry: false, reason: "not_retryable" },
  { name: "503 on GET", outcome: status(503), retry: true, reason: "status" },
  { name: "503 on PATCH", outcome: status(503), method: "PATCH", retry: false, reason: "non_idempotent" },
  { name: "503 on PUT (idempotent)", outcome: status(503), method: "PUT", retry: true, reason: "status" },
  { name: "500 not configured", outcome: status(500), retry: false, reason: "not_retryable" },
  { name: "500 configured", outcome: status(500), policy: { on_statuses: [500] }, retry: true, reason: "status" },
  { name: "404", outcome: status(404), retry: false, reason: "not_retryable" },
  { name: "200", outcome: status(200), retry: false, reason: "succeeded" },
  { name: "cancelled", outcome: { kind: "cancelled", durationMs: 1 }, retry: false, reason: "cancelled" },
  { name: "last attempt used", outcome: status(503), attempt: 3, retry: false, reason: "attempts_exhausted" },
  { name: "second of three attempts", outcome: status(503), attempt: 2, retry: true, reason: "status" },
  { name: "attempts: 1 means no retries", outcome: refused, policy: { attempts: 1 }, retry: false, reason: "attempts_exhausted" },
  { name: "already streaming to the client", outcome: reset, sentToClient: true, retry: false, reason: "sent_to_client" },
  { name: "body cannot be replayed", outcome: refused, bodyReplayable: false, retry: false, reason: "body_not_replayable" },
  { name: "429 with Retry-After seconds", outcome: status(429), retryAfter: "1", retry: true, reason: "rate_limited", delayMs: 1000 },
  { name: "429 with Retry-After date", outcome: status(429), retryAfter: new Date(NOW + 1500).toUTCString(), retry: true, reason: "rate_limited", delayMs: 1000 },
  { name: "429 with Retry-After in the past", outcome: status(429), retryAfter: new Date(NOW - 5000).toUTCString(), retry: true, reason: "rate_limited", delayMs: 0 },
  { name: "429 with Retry-After beyond max_retry_after_ms", outcome: status(429), retryAfter: "3", retry: false, reason: "retry_after_too_long" },
  { name: "429 with a date beyond max_retry_after_ms", outcome: status(429), retryAfter: new Date(NOW + 60_000).toUTCString(), retry: false, reason: "retry_after_too_long" },
  { name: "429 without Retry-After backs off", outcome: status(429), retry: true, reason: "rate_limited", delayMs: 12 },
  { name: "429 with on_429 off", outcome: status(429), policy: { on_429: false }, retry: false, reason: "not_retryable" },
  { name: "429 on POST", outcome: status(429), method: "POST", retryAfter: "1", retry: false, reason: "non_idempotent" },
];

describe("retryDecision", () => {
  for (const row of rows) {
    test(row.name, () => {
      const d = retryDecision(row.outcome, {
        method: row.method ?? "GET",
        attempt: row.attempt ?? 1,
        policy: { ...policy, ...row.policy },
        retryAfterHeader: row.retryAfter ?? null,
        bodyReplayable: row.bodyReplayable ?? true,
        sentToClient: row.sentToClient ?? false,
        now: NOW,
        random: () => 0.5,
      });
      expect(d.retry).toBe(row.retry);
      expect(d.reason).toBe(row.reason);
      if (row.delayMs !== undefined) expect(d.delayMs).toBe(row.delayMs);
      if (!row.retry) expect(d.delayMs).toBeUndefined();
      if (row.retry) expect(d.delayMs).toBeGreaterThanOrEqual(0);
    });
  }
});

describe("retry helpers", () => {
  test("isIdempotent", () => {
    for (const m of ["GET", "head", "OPTIONS", "PUT", "DELETE", "TRACE"]) expect(isIdempotent(m)).toBe(true);
    for (const m of ["POST", "PATCH", "CONNECT"]) expect(isIdempotent(m)).toBe(false);
  });

  test("parseRetryAfter handles seconds, dates and garbage", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW + 4000).toUTCString(), NOW)).toBe(4000);
    expect(parseRetryAfter("soon", NOW)).toBeNull();
    expect(parseRetryAfter("-1", NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });

  test("backoffMs is full-jitter exponential, capped at backoff_max_ms", () => {
    const p = { ...policy, backoff_base_ms: 100, backoff_max_ms: 1000 };
    const top = () => 0.999999;
    expect(backoffMs(1, p, top)).toBe(99);
    expect(backoffMs(2, p, top)).toBe(199);
    expect(backoffMs(3, p, top)).toBe(399);
    expect(backoffMs(5, p, top)).toBe(999);
    expect(backoffMs(30, p, top)).toBe(999);
    expect(backoffMs(3, p, () => 0)).toBe(0);
    expect(backoffMs(3, p, () => 0.5)).toBe(200);
  });
});

describe("RetryBudget", () => {
  test("the per-second floor lets low-traffic services retry", () => {
    const clock = new FakeClock(0);
    const budget = new RetryBudget({ budget_percent: 20, budget_min_per_second: 1 }, clock);
    let allowed = 0;
    for (let i = 0; i < 50; i++) if (budget.tryAcquireRetry()) allowed++;
    expect(allowed).toBe(10); // 1/s over a 10 s window
  });

  test("beyond the floor retries are limited to budget_percent of requests", () => {
    const clock = new FakeClock(0);
    const budget = new RetryBudget({ budget_percent: 20, budget_min_per_second: 0.5 }, clock);
    for (let i = 0; i < 200; i++) budget.recordRequest();
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (budget.tryAcquireRetry()) allowed++;
    expect(allowed).toBe(40);
    expect(budget.canRetry()).toBe(false);
  });

  test("the window slides: the budget refills after 10 s", () => {
    const clock = new FakeClock(0);
    const budget = new RetryBudget({ budget_percent: 0, budget_min_per_second: 0.2 }, clock);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(5000);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(5000);
    expect(budget.tryAcquireRetry()).toBe(true);
  });

  test("a zero budget never allows a retry", () => {
    const budget = new RetryBudget({ budget_percent: 0, budget_min_per_second: 0 }, new FakeClock(0));
    for (let i = 0; i < 100; i++) budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(false);
  });
});
