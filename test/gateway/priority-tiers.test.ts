import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
const primary = [new FaultUpstream("p1"), new FaultUpstream("p2")];
const backup = new FaultUpstream("backup");
const INTERVAL = 150;

beforeAll(async () => {
  for (const u of [...primary, backup]) u.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", {
    name: "tiers",
    targets: [...primary.map((p) => ({ url: p.url, priority: 0 })), { url: backup.url, priority: 1 }],
    health_check: { enabled: true, interval_ms: INTERVAL, timeout_ms: 100, healthy_threshold: 1, unhealthy_threshold: 1 },
  });
  const s = await g.create("services", { name: "s", upstream_id: u.id });
  await g.create("routes", { name: "r", service_id: s.id, paths: ["/t"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  for (const u of [...primary, backup]) u.stop();
});

async function spread(n: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${g.url}/t/x`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    const from = res.headers.get("x-upstream")!;
    out.set(from, (out.get(from) ?? 0) + 1);
  }
  return out;
}

test("the backup tier gets no traffic while a primary target is healthy", async () => {
  const s = await spread(20);
  expect(s.get("backup")).toBeUndefined();
  expect(s.get("p1")).toBeGreaterThan(0);
  expect(s.get("p2")).toBeGreaterThan(0);

  primary[0]!.healthStatus = 500;
  await waitFor(() => g.gw.health().find((t) => t.url === primary[0]!.url)!.available === false, 2000, "p1 unhealthy");
  const s2 = await spread(10);
  expect(s2.get("p2")).toBe(10);
});

test("when the whole primary tier is down the backup serves, and traffic returns to the primary when it recovers", async () => {
  primary[1]!.stop();
  await waitFor(() => g.gw.health().filter((t) => t.priority === 0).every((t) => !t.available), 2000, "primary tier down");
  const s = await spread(10);
  expect(s.get("backup")).toBe(10);
  const views = g.gw.health();
  expect(views.find((t) => t.url === backup.url)!.available).toBe(true);
  expect(views.find((t) => t.url === primary[1]!.url)!.active_health.state).toBe("unhealthy");
  expect(views.find((t) => t.url === primary[1]!.url)!.last_error).toBeTruthy();

  primary[0]!.healthStatus = null;
  await waitFor(() => g.gw.health().find((t) => t.url === primary[0]!.url)!.available, 2000, "p1 healthy again");
  const s2 = await spread(10);
  expect(s2.get("p1")).toBe(10);
  expect(s2.get("backup")).toBeUndefined();
});
