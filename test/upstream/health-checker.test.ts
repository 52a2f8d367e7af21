import { afterAll, describe, expect, test } from "bun:test";
import { ActiveHealthCheckSpec } from "../../src/config/entities.ts";
import { systemClock } from "../../src/core/clock.ts";
import { ActiveHealthState, HealthChecker } from "../../src/upstream/active-health.ts";

const config = ActiveHealthCheckSpec.parse({ enabled: true, interval_ms: 60_000, timeout_ms: 300, unhealthy_threshold: 1, healthy_threshold: 1 });

const paths: string[] = [];
const ok = Bun.serve({
  port: 0,
  fetch(req) {
    paths.push(new URL(req.url).pathname);
    return new Response("ok");
  },
});
const failing = Bun.serve({ port: 0, fetch: () => new Response("nope", { status: 500 }) });
let releaseHung: () => void = () => {};
const hung = Bun.serve({
  port: 0,
  fetch: () => new Promise<Response>((resolve) => (releaseHung = () => resolve(new Response("late")))),
});
const closed = Bun.serve({ port: 0, fetch: () => new Response("") });
const closedPort = closed.port;
closed.stop(true);

afterAll(() => {
  releaseHung();
  ok.stop(true);
  failing.stop(true);
  hung.stop(true);
});

const target = (url: string) => ({ url, activeHealth: new ActiveHealthState(config) });

describe("HealthChecker over real sockets", () => {
  test("200 stays healthy, 500 and a closed port become unhealthy", async () => {
    const up = target(`http://127.0.0.1:${ok.port}/base`);
    const err = target(`http://127.0.0.1:${failing.port}`);
    const down = target(`http://127.0.0.1:${closedPort}`);
    const checker = new HealthChecker({ config, targets: [up, err, down], clock: systemClock });
    await checker.checkNow();
    expect(up.activeHealth.state).toBe("healthy");
    expect(paths).toContain("/base/health");
    expect(err.activeHealth.state).toBe("unhealthy");
    expect(err.activeHealth.lastError).toBe("unexpected status 500");
    expect(down.activeHealth.state).toBe("unhealthy");
    expect(down.activeHealth.lastError).not.toBeNull();
  });

  test("a probe that does not answer in timeout_ms fails with a timeout", async () => {
    const slow = target(`http://127.0.0.1:${hung.port}`);
    await new HealthChecker({ config, targets: [slow], clock: systemClock }).checkNow();
    expect(slow.activeHealth.state).toBe("unhealthy");
    expect(slow.activeHealth.lastError).toBe("timeout after 300 ms");
  });

  test("start() probes right away; stop() aborts probes in flight without recording them", async () => {
    const up = target(`http://127.0.0.1:${ok.port}`);
    const started = new HealthChecker({ config, targets: [up], clock: systemClock });
    started.start();
    for (let i = 0; i < 100 && up.activeHealth.view().last_check_at === null; i++) await Bun.sleep(5);
    started.stop();
    expect(up.activeHealth.view().last_check_at).not.toBeNull();

    const slow = target(`http://127.0.0.1:${hung.port}`);
    const checker = new HealthChecker({ config: { ...config, timeout_ms: 5000 }, targets: [slow], clock: systemClock });
    checker.start();
    const round = checker.checkNow();
    await Bun.sleep(20);
    const t0 = performance.now();
    checker.stop();
    await round;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(slow.activeHealth.view()).toMatchObject({ state: "healthy", consecutive_failures: 0, last_check_at: null });
  });
});
