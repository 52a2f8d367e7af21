import { describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/core/clock.ts";
import type { TargetRuntime } from "../../src/upstream/target.ts";
import type { AttemptOutcome, Selection } from "../../src/upstream/types.ts";
import { MIN_RETRY_AFTER_MS, TargetRegistry, UpstreamRuntime } from "../../src/upstream/upstream-runtime.ts";
import { makeUpstream, seededRandom } from "./helpers.ts";

const ok: AttemptOutcome = { kind: "response", status: 200, durationMs: 10 };
const bad: AttemptOutcome = { kind: "response", status: 503, durationMs: 10 };
const none: ReadonlySet<string> = new Set();

function build(input: Record<string, unknown>, clock = new FakeClock(0), registry = new TargetRegistry()) {
  const runtime = new UpstreamRuntime(makeUpstream(input), registry, clock);
  return { runtime, clock, registry };
}

function picked(s: Selection<TargetRuntime>): TargetRuntime {
  if (!s.ok) throw new Error(`expected a target, got ${JSON.stringify(s)}`);
  return s.target;
}

const urlOf = (s: Selection<TargetRuntime>) => picked(s).url;

/** Selects `url` (by trying the others first) and reports `outcome` for it `times` times. */
function hit(runtime: UpstreamRuntime, url: string, outcome: AttemptOutcome, times = 1): void {
  const others = new Set(runtime.targets.filter((t) => t.url !== url).map((t) => t.key));
  for (let i = 0; i < times; i++) {
    const s = runtime.select({ tried: others });
    const target = picked(s);
    expect(target.url).toBe(url);
    runtime.report(target, outcome);
  }
}

const T = (n: number, extra: Record<string, unknown> = {}) => ({ url: `http://t${n}.test:80`, ...extra });
const eject3 = { consecutive_gateway_errors: 3, base_ejection_ms: 10_000, max_ejection_ms: 60_000, max_ejection_percent: 100 };

describe("UpstreamRuntime selection", () => {
  test("a successful select counts the target in flight until its report", () => {
    const { runtime } = build({ targets: [T(1)] });
    const t = picked(runtime.select({ tried: none }));
    expect(t.inflight).toBe(1);
    runtime.report(t, ok);
    expect(t.inflight).toBe(0);
    expect(t.latencyEwma(0)).toBe(10);
  });

  test("the lowest priority tier with an available untried target wins", () => {
    const { runtime } = build({ targets: [T(1, { priority: 1 }), T(2), T(3), T(4, { priority: 2 })], outlier_detection: eject3 });
    const firsts = new Set([0, 1, 2, 3].map(() => urlOf(runtime.select({ tried: none }))));
    expect(firsts).toEqual(new Set(["http://t2.test:80", "http://t3.test:80"]));
    const tried = new Set(runtime.targets.filter((t) => t.priority === 0).map((t) => t.key));
    expect(urlOf(runtime.select({ tried }))).toBe("http://t1.test:80");
    // Tier 0 down entirely: tier 1 serves first attempts.
    hit(runtime, "http://t2.test:80", bad, 3);
    hit(runtime, "http://t3.test:80", bad, 3);
    for (let i = 0; i < 5; i++) expect(urlOf(runtime.select({ tried: none }))).toBe("http://t1.test:80");
  });

  test("an ejected target is skipped, and comes back by itself when its time is up", () => {
    const { runtime, clock } = build({ targets: [T(1), T(2)], outlier_detection: eject3 });
    hit(runtime, "http://t1.test:80", bad, 3);
    expect(runtime.health()[0]!.outlier.ejected).toBe(true);
    for (let i = 0; i < 6; i++) expect(urlOf(runtime.select({ tried: none }))).toBe("http://t2.test:80");
    clock.advance(10_000);
    const seen = new Set([0, 1, 2, 3].map(() => urlOf(runtime.select({ tried: none }))));
    expect(seen.has("http://t1.test:80")).toBe(true);
  });

  test("max_ejection_percent denies an ejection that would exceed it", () => {
    const { runtime } = build({ targets: [T(1), T(2)], outlier_detection: { ...eject3, max_ejection_percent: 50 } });
    hit(runtime, "http://t1.test:80", bad, 3);
    hit(runtime, "http://t2.test:80", bad, 3);
    const [a, b] = runtime.health();
    expect(a!.outlier.ejected).toBe(true);
    expect(b!.outlier.ejected).toBe(false);
    expect(b!.outlier.consecutive_gateway_errors).toBe(3);
    expect(b!.last_error).toBe("upstream status 503");
  });

  test("a breaker that refuses is skipped; the permit is taken only for the picked target", () => {
    const cb = { minimum_calls: 2, failure_rate_percent: 50, open_ms: 5000, half_open_probes: 1 };
    const { runtime, clock } = build({ targets: [T(1), T(2)], circuit_breaker: cb, outlier_detection: { enabled: false } });
    hit(runtime, "http://t1.test:80", bad, 2);
    expect(runtime.targets[0]!.breaker.state).toBe("open");
    for (let i = 0; i < 4; i++) runtime.report(picked(runtime.select({ tried: none })), ok);
    expect(runtime.targets[0]!.inflight).toBe(0);
    clock.advance(5000);
    // Half-open with one probe: the first select that lands on t1 takes the only permit.
    const probe = picked(runtime.select({ tried: new Set([runtime.targets[1]!.key]) }));
    expect(probe.url).toBe("http://t1.test:80");
    expect(probe.breaker.state).toBe("half_open");
    for (let i = 0; i < 4; i++) {
      const t = picked(runtime.select({ tried: none }));
      expect(t.url).toBe("http://t2.test:80");
      runtime.report(t, ok);
    }
    runtime.report(probe, ok);
    expect(probe.breaker.state).toBe("closed");
  });

  test("a cancelled attempt releases the breaker permit and counts nothing", () => {
    const cb = { minimum_calls: 1, failure_rate_percent: 50, open_ms: 1000, half_open_probes: 1 };
    const { runtime, clock } = build({ targets: [T(1)], circuit_breaker: cb, outlier_detection: { consecutive_gateway_errors: 2 } });
    hit(runtime, "http://t1.test:80", bad);
    clock.advance(1000);
    const probe = picked(runtime.select({ tried: none }));
    expect(runtime.select({ tried: none }).ok).toBe(false);
    runtime.report(probe, { kind: "cancelled", durationMs: 3 });
    expect(probe.inflight).toBe(0);
    expect(probe.breaker.state).toBe("half_open");
    expect(probe.outlier.view().consecutive_gateway_errors).toBe(1);
    expect(picked(runtime.select({ tried: none }))).toBe(probe);
  });

  test("fail mode: nothing available → retryAfterMs until the soonest recovery", () => {
    const { runtime, clock } = build({ targets: [T(1), T(2)], outlier_detection: eject3 });
    hit(runtime, "http://t1.test:80", bad, 3); // ejected until 10 000
    clock.advance(4000);
    hit(runtime, "http://t2.test:80", bad, 3); // ejected until 14 000
    const s = runtime.select({ tried: none });
    expect(s).toEqual({ ok: false, retryAfterMs: 6000, exhausted: false });
    clock.advance(5500);
    expect(runtime.select({ tried: none })).toEqual({ ok: false, retryAfterMs: MIN_RETRY_AFTER_MS, exhausted: false });
    clock.advance(500);
    expect(urlOf(runtime.select({ tried: none }))).toBe("http://t1.test:80");
  });

  test("retryAfterMs follows an open breaker's half-open time", () => {
    const cb = { minimum_calls: 1, failure_rate_percent: 50, open_ms: 7000 };
    const { runtime } = build({ targets: [T(1)], circuit_breaker: cb, outlier_detection: { enabled: false }, no_healthy_upstream: { mode: "static" } });
    hit(runtime, "http://t1.test:80", bad);
    expect(runtime.select({ tried: none })).toEqual({ ok: false, retryAfterMs: 7000, exhausted: false });
  });

  test("exhausted when every target was tried", () => {
    const { runtime } = build({ targets: [T(1), T(2)] });
    const tried = new Set(runtime.keys());
    const s = runtime.select({ tried });
    expect(s.ok).toBe(false);
    if (!s.ok) {
      expect(s.exhausted).toBe(true);
      expect(s.retryAfterMs).toBeGreaterThanOrEqual(MIN_RETRY_AFTER_MS);
    }
  });

  test("no targets at all: not ok, not exhausted", () => {
    const { runtime } = build({ targets: [] });
    expect(runtime.select({ tried: none })).toEqual({ ok: false, retryAfterMs: MIN_RETRY_AFTER_MS, exhausted: false });
  });

  test("panic mode: below the threshold every untried target is used, health ignored", () => {
    const { runtime } = build({
      targets: [T(1), T(2), T(3), T(4)],
      outlier_detection: eject3,
      no_healthy_upstream: { mode: "panic", panic_threshold_percent: 50 },
    });
    hit(runtime, "http://t1.test:80", bad, 3);
    // 3 of 4 healthy (75 %): normal selection avoids t1.
    const normal = runtime.select({ tried: none });
    expect(normal.ok && normal.panic).toBe(false);
    expect(urlOf(normal)).not.toBe("http://t1.test:80");
    hit(runtime, "http://t2.test:80", bad, 3);
    hit(runtime, "http://t3.test:80", bad, 3);
    // 1 of 4 healthy (25 %): panic.
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const s = runtime.select({ tried: none, random: seededRandom(i) });
      expect(s.ok && s.panic).toBe(true);
      seen.add(urlOf(s));
    }
    expect(seen.size).toBe(4);
    const tried = new Set(runtime.keys().slice(0, 3));
    expect(urlOf(runtime.select({ tried }))).toBe("http://t4.test:80");
    expect(runtime.select({ tried: new Set(runtime.keys()) })).toMatchObject({ ok: false, exhausted: true });
  });

  test("panic threshold 0 never panics", () => {
    const { runtime } = build({ targets: [T(1)], outlier_detection: { ...eject3 }, no_healthy_upstream: { mode: "panic", panic_threshold_percent: 0 } });
    hit(runtime, "http://t1.test:80", bad, 3);
    expect(runtime.select({ tried: none }).ok).toBe(false);
  });

  test("consistent hashing keeps a client on its target", () => {
    const { runtime } = build({ targets: [T(1), T(2), T(3)], balancer: { algorithm: "consistent_hash", hash_on: "header", hash_header: "x-user" } });
    const first = urlOf(runtime.select({ tried: none, hashKey: "alice" }));
    for (let i = 0; i < 10; i++) expect(urlOf(runtime.select({ tried: none, hashKey: "alice" }))).toBe(first);
  });

  test("active health: an unhealthy target is skipped and Retry-After points at the next checks", async () => {
    const clock = new FakeClock(0);
    const fetch = async (url: string) => new Response(null, { status: url.includes("t1.") ? 500 : 200 });
    const upstream = makeUpstream({
      targets: [T(1), T(2)],
      health_check: { enabled: true, interval_ms: 2000, unhealthy_threshold: 1, healthy_threshold: 2 },
      outlier_detection: eject3,
    });
    const runtime = new UpstreamRuntime(upstream, new TargetRegistry(), clock, { fetch });
    runtime.start();
    await runtime.healthChecker!.checkNow();
    runtime.stop();
    expect(runtime.health().map((h) => h.active_health.state)).toEqual(["unhealthy", "healthy"]);
    for (let i = 0; i < 4; i++) expect(urlOf(runtime.select({ tried: none }))).toBe("http://t2.test:80");
    hit(runtime, "http://t2.test:80", bad, 3); // ejected for 10 s
    // t1 needs two healthy checks, 2000 ms apart: the first at +2000, the second at +4000.
    expect(runtime.select({ tried: none })).toEqual({ ok: false, retryAfterMs: 4000, exhausted: false });
  });
});

describe("TargetRegistry across snapshot swaps", () => {
  test("an unchanged target keeps its state in the rebuilt upstream", () => {
    const clock = new FakeClock(0);
    const registry = new TargetRegistry();
    const input = { targets: [T(1), T(2)], outlier_detection: eject3 };
    const first = new UpstreamRuntime(makeUpstream(input), registry, clock);
    hit(first, "http://t1.test:80", bad, 3);
    const inflight = picked(first.select({ tried: none }));

    const second = new UpstreamRuntime(makeUpstream(input), registry, clock);
    expect(second.targets[0]).toBe(first.targets[0]!);
    expect(second.targets[1]).toBe(first.targets[1]!);
    expect(second.health()[0]!.outlier.ejected).toBe(true);
    expect(inflight.inflight).toBe(1);
    // The old snapshot's request reports into the same object.
    first.report(inflight, ok);
    expect(second.targets[1]!.inflight).toBe(0);
  });

  test("changed policies apply to the kept object; weight and priority follow the spec", () => {
    const clock = new FakeClock(0);
    const registry = new TargetRegistry();
    const first = new UpstreamRuntime(makeUpstream({ targets: [T(1)], circuit_breaker: { minimum_calls: 1, open_ms: 5000 }, outlier_detection: { enabled: false } }), registry, clock);
    hit(first, "http://t1.test:80", bad);
    const t = first.targets[0]!;
    expect(t.breaker.nextAttemptAt).toBe(5000);
    const second = new UpstreamRuntime(
      makeUpstream({ targets: [T(1, { weight: 7, priority: 3 })], circuit_breaker: { minimum_calls: 1, open_ms: 1000, window_ms: 10_000 }, outlier_detection: { enabled: false } }),
      registry,
      clock,
    );
    expect(second.targets[0]).toBe(t);
    expect(t.breaker.state).toBe("open");
    expect(t).toMatchObject({ weight: 7, priority: 3 });
    // The open period already started keeps its end; the next opening uses the new open_ms.
    clock.advance(1000);
    expect(second.select({ tried: none }).ok).toBe(false);
    clock.advance(4000);
    const probe = picked(second.select({ tried: none }));
    second.report(probe, bad);
    expect(t.breaker.nextAttemptAt).toBe(clock.now() + 1000);
  });

  test("retain drops targets no longer configured; a re-added target starts fresh", () => {
    const clock = new FakeClock(0);
    const registry = new TargetRegistry();
    const first = new UpstreamRuntime(makeUpstream({ targets: [T(1), T(2)], outlier_detection: eject3 }), registry, clock);
    hit(first, "http://t1.test:80", bad, 3);
    const next = makeUpstream({ targets: [T(2)] });
    const second = new UpstreamRuntime(next, registry, clock);
    registry.retain(new Set(next.targets.map((t) => UpstreamRuntime.targetKey(next.id, t.url))));
    expect(registry.keys()).toEqual(second.keys());
    expect(registry.size).toBe(1);
    const third = new UpstreamRuntime(makeUpstream({ targets: [T(1), T(2)] }), registry, clock);
    expect(third.targets[0]).not.toBe(first.targets[0]!);
    expect(third.health()[0]!.outlier.ejected).toBe(false);
  });

  test("the same URL in two upstreams is two independent targets", () => {
    const clock = new FakeClock(0);
    const registry = new TargetRegistry();
    const a = new UpstreamRuntime(makeUpstream({ targets: [T(1)] }, "a"), registry, clock);
    const b = new UpstreamRuntime(makeUpstream({ targets: [T(1)] }, "b"), registry, clock);
    expect(a.targets[0]).not.toBe(b.targets[0]!);
    expect(registry.size).toBe(2);
  });

  test("health() gives the admin view of every target", () => {
    const { runtime } = build({ targets: [T(1, { weight: 50 })] });
    const [view] = runtime.health();
    expect(view).toMatchObject({
      upstream_id: "u1",
      url: "http://t1.test:80",
      weight: 50,
      priority: 0,
      available: true,
      active_health: { enabled: false, state: "healthy" },
      outlier: { ejected: false, ejection_count: 0 },
      breaker: { state: "closed", calls_in_window: 0, next_attempt_at: null },
      inflight: 0,
      last_error: null,
    });
  });
});
