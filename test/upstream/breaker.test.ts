import { describe, expect, test } from "bun:test";
import { CircuitBreakerSpec, type CircuitBreakerConfig } from "../../src/config/entities.ts";
import { FakeClock } from "../../src/core/clock.ts";
import { CircuitBreaker } from "../../src/upstream/breaker.ts";

function setup(overrides: Partial<CircuitBreakerConfig> = {}) {
  const clock = new FakeClock(0);
  const config = CircuitBreakerSpec.parse({ window_ms: 10_000, minimum_calls: 4, failure_rate_percent: 50, open_ms: 5000, half_open_probes: 2, ...overrides });
  return { clock, breaker: new CircuitBreaker(config, clock) };
}

function call(b: CircuitBreaker, success: boolean, durationMs = 10): void {
  expect(b.tryAcquire()).toBe(true);
  b.onResult(success, durationMs);
}

function tripOpen(b: CircuitBreaker): void {
  for (let i = 0; i < 4; i++) call(b, false);
  expect(b.state).toBe("open");
}

describe("circuit breaker", () => {
  test("stays closed below minimum_calls even when every call fails", () => {
    const { breaker } = setup();
    for (let i = 0; i < 3; i++) call(breaker, false);
    expect(breaker.state).toBe("closed");
    call(breaker, false);
    expect(breaker.state).toBe("open");
  });

  test("opens when the failure rate reaches the threshold, not below it", () => {
    const below = setup().breaker;
    [true, true, true, false, true, false].forEach((ok) => call(below, ok)); // 2/6 = 33%
    expect(below.state).toBe("closed");
    const at = setup().breaker;
    [true, false, true, false].forEach((ok) => call(at, ok)); // 2/4 = 50%
    expect(at.state).toBe("open");
  });

  test("the window slides: old failures stop counting", () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) call(breaker, false);
    clock.advance(11_000);
    call(breaker, false);
    expect(breaker.state).toBe("closed");
    expect(breaker.view().calls_in_window).toBe(1);
  });

  test("slow calls count as failures", () => {
    const { breaker } = setup({ slow_call_ms: 1000 });
    for (let i = 0; i < 4; i++) call(breaker, true, 1500);
    expect(breaker.state).toBe("open");
    const fast = setup({ slow_call_ms: 1000 }).breaker;
    for (let i = 0; i < 4; i++) call(fast, true, 999);
    expect(fast.state).toBe("closed");
  });

  test("open refuses until open_ms has passed, then half-opens on the next tryAcquire", () => {
    const { breaker, clock } = setup();
    tripOpen(breaker);
    expect(breaker.nextAttemptAt).toBe(5000);
    expect(breaker.view().next_attempt_at).toBe(new Date(5000).toISOString());
    clock.advance(4999);
    expect(breaker.permits()).toBe(false);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(breaker.permits()).toBe(true);
    expect(breaker.state).toBe("open"); // permits() never changes state
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe("half_open");
    expect(breaker.nextAttemptAt).toBeNull();
  });

  test("half-open allows exactly half_open_probes concurrent probes; all succeeding closes with a fresh window", () => {
    const { breaker, clock } = setup();
    tripOpen(breaker);
    clock.advance(5000);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.onResult(true, 5);
    expect(breaker.state).toBe("half_open");
    expect(breaker.tryAcquire()).toBe(false); // one success + one in flight = both probes used
    breaker.onResult(true, 5);
    expect(breaker.state).toBe("closed");
    expect(breaker.view()).toMatchObject({ state: "closed", calls_in_window: 0, failure_rate_percent: 0 });
    // The old failures are gone: one more failure does not reopen it.
    call(breaker, false);
    expect(breaker.state).toBe("closed");
  });

  test("any probe failure opens again for another open_ms", () => {
    const { breaker, clock } = setup();
    tripOpen(breaker);
    clock.advance(5000);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onResult(true, 5);
    breaker.onResult(false, 5);
    expect(breaker.state).toBe("open");
    expect(breaker.nextAttemptAt).toBe(clock.now() + 5000);
    expect(breaker.tryAcquire()).toBe(false);
  });

  test("a released (client-cancelled) probe frees its slot and counts nothing", () => {
    const { breaker, clock } = setup();
    tripOpen(breaker);
    clock.advance(5000);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.state).toBe("half_open");
    expect(breaker.tryAcquire()).toBe(true);
  });

  test("results arriving while open are ignored", () => {
    const { breaker } = setup();
    tripOpen(breaker);
    breaker.onResult(true, 1);
    expect(breaker.state).toBe("open");
  });

  test("a disabled breaker always permits", () => {
    const { breaker } = setup({ enabled: false });
    for (let i = 0; i < 50; i++) call(breaker, false);
    expect(breaker.state).toBe("closed");
  });

  test("a config change keeps the state; disabling closes it", () => {
    const { breaker } = setup();
    tripOpen(breaker);
    breaker.updateConfig(CircuitBreakerSpec.parse({ window_ms: 10_000, minimum_calls: 4, open_ms: 9000 }));
    expect(breaker.state).toBe("open");
    breaker.updateConfig(CircuitBreakerSpec.parse({ enabled: false }));
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
  });
});
