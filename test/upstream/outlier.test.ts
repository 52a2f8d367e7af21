import { describe, expect, test } from "bun:test";
import { OutlierDetectionSpec, type OutlierDetectionConfig } from "../../src/config/entities.ts";
import { FakeClock } from "../../src/core/clock.ts";
import { OutlierDetector } from "../../src/upstream/outlier.ts";
import type { AttemptOutcome } from "../../src/upstream/types.ts";

const status = (s: number): AttemptOutcome => ({ kind: "response", status: s, durationMs: 5 });
const refused: AttemptOutcome = { kind: "connect_failure", durationMs: 1, message: "refused" };

function setup(overrides: Partial<OutlierDetectionConfig> = {}) {
  const clock = new FakeClock(0);
  const config = OutlierDetectionSpec.parse({ consecutive_failures: 5, consecutive_gateway_errors: 3, base_ejection_ms: 1000, max_ejection_ms: 5000, ...overrides });
  return { clock, od: new OutlierDetector(config, clock) };
}

describe("outlier detection", () => {
  test("consecutive gateway errors (502/503/504, connect failure, timeout, reset) ask for ejection", () => {
    const { od } = setup();
    expect(od.record(status(502))).toBe(false);
    expect(od.record(refused)).toBe(false);
    expect(od.record({ kind: "timeout", durationMs: 1000, message: "ttfb" })).toBe(true);
    const other = setup().od;
    other.record({ kind: "reset", durationMs: 1, message: "reset" });
    other.record(status(504));
    expect(other.record(status(503))).toBe(true);
  });

  test("other 5xx count toward consecutive failures only", () => {
    const { od } = setup();
    for (let i = 0; i < 4; i++) expect(od.record(status(500))).toBe(false);
    expect(od.view().consecutive_gateway_errors).toBe(0);
    expect(od.record(status(500))).toBe(true);
  });

  test("a success (including 4xx) resets the streaks; cancellations count nothing", () => {
    const { od } = setup();
    od.record(status(502));
    od.record(status(502));
    od.record(status(404));
    expect(od.view()).toMatchObject({ consecutive_failures: 0, consecutive_gateway_errors: 0 });
    od.record(status(502));
    od.record(status(502));
    expect(od.record({ kind: "cancelled", durationMs: 3 })).toBe(false);
    expect(od.view().consecutive_gateway_errors).toBe(2);
  });

  test("ejection time doubles with each ejection in a row, capped at max_ejection_ms", () => {
    const { od, clock } = setup();
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const until = od.eject();
      durations.push(until - clock.now());
      expect(od.isEjected()).toBe(true);
      clock.set(until);
      expect(od.isEjected()).toBe(false); // ends by itself
    }
    expect(durations).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  test("the ejection count decays by one per base_ejection_ms of un-ejected time", () => {
    const { od, clock } = setup();
    clock.set(od.eject()); // 1 → until 1000
    clock.set(od.eject()); // 2 → until 3000
    clock.set(od.eject()); // 3 → until 7000
    expect(od.ejectionCount()).toBe(3);
    clock.advance(999);
    expect(od.ejectionCount()).toBe(3);
    clock.advance(1001); // 2000 ms healthy
    expect(od.ejectionCount()).toBe(1);
    expect(od.eject() - clock.now()).toBe(2000); // the 2nd in a row again
    clock.advance(2000 + 10_000);
    expect(od.ejectionCount()).toBe(0);
  });

  test("does not ask again while ejected; ejection resets the streaks", () => {
    const { od } = setup();
    for (let i = 0; i < 3; i++) od.record(status(503));
    od.eject();
    expect(od.view()).toMatchObject({ ejected: true, consecutive_gateway_errors: 0, ejection_count: 1 });
    for (let i = 0; i < 5; i++) expect(od.record(status(503))).toBe(false);
  });

  test("disabled never asks and disabling ends a running ejection", () => {
    const { od } = setup({ enabled: false });
    for (let i = 0; i < 10; i++) expect(od.record(status(503))).toBe(false);
    const on = setup().od;
    on.eject();
    on.updateConfig(OutlierDetectionSpec.parse({ enabled: false }));
    expect(on.isEjected()).toBe(false);
  });
});
