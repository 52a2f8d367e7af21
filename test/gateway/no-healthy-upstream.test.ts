import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
const ups = [new FaultUpstream("a"), new FaultUpstream("b")];
const INTERVAL = 300;

beforeAll(async () => {
  for (const u of ups) u.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", {
    name: "pair",
    targets: ups.map((x) => ({ url: x.url })),
    health_check: { enabled: true, interval_ms: INTERVAL, timeout_ms: 200, healthy_threshold: 1, unhealthy_threshold: 1 },
  });
  const s = await g.create("services", { name: "s", upstream_id: u.id });
  await g.create("routes", { name: "r", service_id: s.id, paths: ["/x"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  for (const u of ups) u.stop();
});

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;

test("all targets down: a fast 503 no_healthy_upstream with Retry-After, then recovery within one health-check interval", async () => {
  const first = await fetch(`${g.url}/x/warm`);
  expect(first.status).toBe(200);
  await first.arrayBuffer();

  for (const u of ups) u.stop();
  await waitFor(() => g.gw.health().every((t) => t.active_health.state === "unhealthy"), 3000, "targets marked unhealthy");

  const clientMs: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    const res = await fetch(`${g.url}/x/down`);
    const body = (await res.json()) as { error: { code: string; request_id: string } };
    clientMs.push(performance.now() - start);
    expect(res.status).toBe(503);
    expect(body.error.code).toBe("no_healthy_upstream");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    ids.push(body.error.request_id);
  }
  const records = (await g.records()).filter((r) => ids.includes(r.request_id));
  expect(records.length).toBe(ids.length);
  const serverMs = records.map((r) => r.total_ms);
  expect(median(serverMs)).toBeLessThan(5);
  expect(serverMs.filter((ms) => ms < 5).length).toBeGreaterThanOrEqual(Math.ceil(serverMs.length * 0.8));
  expect(median(clientMs)).toBeLessThan(5);
  // Nothing was attempted against the dead targets.
  expect(records.every((r) => r.attempts === 0 && r.error_code === "no_healthy_upstream")).toBe(true);

  // Target a comes back on its old port.
  ups[0]!.start(ups[0]!.port);
  const back = performance.now();
  await waitFor(
    async () => {
      const res = await fetch(`${g.url}/x/up`);
      await res.arrayBuffer();
      return res.status === 200;
    },
    INTERVAL * 4,
    "recovery",
  );
  const recoveredIn = performance.now() - back;
  // One probe round (≤ one interval away) suffices with healthy_threshold 1; the margin is for a loaded machine.
  expect(recoveredIn).toBeLessThan(INTERVAL + 250);
  const view = g.gw.health().find((t) => t.url === ups[0]!.url)!;
  expect(view.active_health.state).toBe("healthy");
  expect(view.available).toBe(true);
}, 15_000);
