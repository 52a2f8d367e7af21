import { expect, test } from "bun:test";
import { EventLoopLag } from "../../src/telemetry/event-loop-lag.ts";
import { Metrics } from "../../src/telemetry/metrics.ts";
import { registerEventLoopMetrics } from "../../src/telemetry/runtime-gauges.ts";

const count = (lag: EventLoopLag) => lag.histogram.counts.reduce((a, b) => a + b, 0);

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Holding the thread, as a long collection or a synchronous task would.
  }
}

test("a thread held for 80 ms shows as a delay of about that much", async () => {
  const lag = new EventLoopLag(5);
  lag.start();
  await Bun.sleep(30);
  block(80);
  await Bun.sleep(30);
  lag.stop();
  expect(lag.max).toBeGreaterThanOrEqual(60);
  expect(lag.max).toBeLessThan(1000);
  // The late tick lands in a bucket above 50 ms (the buckets are 1, 2.5, 5, 10, 25, 50, 100, ...).
  expect(lag.histogram.counts.slice(6).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
});

test("an idle loop ticks on schedule and stops when told", async () => {
  const lag = new EventLoopLag(5);
  lag.start();
  await Bun.sleep(100);
  const ticks = count(lag);
  expect(ticks).toBeGreaterThanOrEqual(5);
  lag.stop();
  await Bun.sleep(40);
  expect(count(lag)).toBe(ticks);
});

test("the delay is exposed as a Prometheus histogram and a maximum", async () => {
  const lag = new EventLoopLag(5);
  const metrics = new Metrics();
  registerEventLoopMetrics(metrics, lag);
  lag.start();
  await Bun.sleep(20);
  block(40);
  await Bun.sleep(20);
  lag.stop();
  const text = metrics.render();
  expect(text).toContain("# TYPE waygate_event_loop_lag_ms histogram");
  expect(text).toMatch(/waygate_event_loop_lag_ms_bucket\{le="\+Inf"\} [1-9]/);
  const max = Number(/^waygate_event_loop_lag_max_ms (\S+)$/m.exec(text)?.[1]);
  expect(max).toBe(lag.max);
  expect(max).toBeGreaterThanOrEqual(25);
});
