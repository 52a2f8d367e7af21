import { describe, expect, test } from "bun:test";
import { ActiveHealthCheckSpec } from "../../src/config/entities.ts";
import { ActiveHealthState, probeUrl } from "../../src/upstream/active-health.ts";

const config = ActiveHealthCheckSpec.parse({ enabled: true, interval_ms: 1000, healthy_threshold: 2, unhealthy_threshold: 3 });

describe("active health state", () => {
  test("starts healthy; unhealthy only after unhealthy_threshold failures in a row", () => {
    const h = new ActiveHealthState(config);
    expect(h.state).toBe("healthy");
    h.record(false, 0, "boom");
    h.record(false, 1000, "boom");
    h.record(true, 2000);
    h.record(false, 3000, "boom");
    h.record(false, 4000, "boom");
    expect(h.state).toBe("healthy");
    h.record(false, 5000, "status 500");
    expect(h.state).toBe("unhealthy");
    expect(h.healthy).toBe(false);
    expect(h.view()).toMatchObject({ enabled: true, consecutive_failures: 3, last_error: "status 500", last_check_at: new Date(5000).toISOString(), next_check_at: new Date(6000).toISOString() });
  });

  test("healthy again only after healthy_threshold successes in a row", () => {
    const h = new ActiveHealthState({ ...config, unhealthy_threshold: 1 });
    h.record(false, 0, "x");
    expect(h.state).toBe("unhealthy");
    expect(h.recoveryAt(0)).toBe(2000); // next check at 1000, then one more at 2000
    h.record(true, 1000);
    expect(h.state).toBe("unhealthy");
    expect(h.recoveryAt(1000)).toBe(2000);
    h.record(false, 2000, "x");
    h.record(true, 3000);
    h.record(true, 4000);
    expect(h.state).toBe("healthy");
    expect(h.recoveryAt(4000)).toBeNull();
  });

  test("disabled checks never make a target unhealthy for traffic", () => {
    const h = new ActiveHealthState({ ...config, enabled: false });
    expect(h.healthy).toBe(true);
    const on = new ActiveHealthState({ ...config, unhealthy_threshold: 1 });
    on.record(false, 0, "x");
    on.updateConfig({ ...config, enabled: false });
    expect(on.healthy).toBe(true);
    expect(on.state).toBe("healthy");
  });

  test("a changed threshold keeps the counters", () => {
    const h = new ActiveHealthState(config);
    h.record(false, 0, "x");
    h.record(false, 1, "x");
    h.updateConfig({ ...config, unhealthy_threshold: 3, interval_ms: 2000 });
    h.record(false, 2, "x");
    expect(h.state).toBe("unhealthy");
  });
});

describe("probeUrl", () => {
  test("appends the check path to the target's base path", () => {
    expect(probeUrl("http://10.0.0.5:8080", "/health")).toBe("http://10.0.0.5:8080/health");
    expect(probeUrl("http://h/api/", "/health")).toBe("http://h/api/health");
    expect(probeUrl("https://h/v1?x=1", "/ready?deep=1")).toBe("https://h/v1/ready?deep=1");
  });
});
