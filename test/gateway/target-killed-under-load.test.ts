import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

let g: TestGateway;
const ups = [new FaultUpstream("a"), new FaultUpstream("b"), new FaultUpstream("c")];

beforeAll(async () => {
  for (const u of ups) {
    u.start();
    // A little latency keeps requests in flight on the target when it dies.
    u.mode = { kind: "ok", body: `{"from":"${u.name}"}`, latencyMs: 2 };
  }
  g = await startTestGateway();
  const u = await g.create("upstreams", {
    name: "trio",
    targets: ups.map((x) => ({ url: x.url })),
    timeouts: { connect_ms: 500, ttfb_ms: 2000 },
  });
  // Default retry policy: the scenario must hold without tuning.
  const s = await g.create("services", { name: "s", upstream_id: u.id });
  await g.create("routes", { name: "r", service_id: s.id, paths: ["/load"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  for (const u of ups) u.stop();
});

test("one of three targets killed under 50-way concurrent load: no client request fails", async () => {
  const total = 2000;
  const concurrency = 50;
  const killAt = 400;
  let issued = 0;
  let done = 0;
  const failures: string[] = [];
  const byTarget = new Map<string, number>();

  const worker = async () => {
    while (issued < total) {
      issued++;
      if (issued === killAt) ups[1]!.stop();
      try {
        const res = await fetch(`${g.url}/load/x`);
        const body = await res.text();
        if (res.status !== 200) failures.push(`${res.status} ${body}`);
        else {
          const from = (JSON.parse(body) as { from: string }).from;
          byTarget.set(from, (byTarget.get(from) ?? 0) + 1);
        }
      } catch (err) {
        failures.push(String(err));
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  expect(done).toBe(total);
  expect(failures).toEqual([]);
  expect(byTarget.get("a")! + byTarget.get("c")!).toBeGreaterThan(total - killAt);
  expect(byTarget.get("b") ?? 0).toBeLessThan(killAt);
  // Passive detection took the dead target out of rotation.
  const view = g.gw.health().find((t) => t.url === ups[1]!.url)!;
  expect(view.available).toBe(false);
  const records = await g.records();
  expect(records.filter((r) => r.status !== 200)).toEqual([]);
  expect(records.some((r) => r.attempts > 1)).toBe(true);
}, 20_000);
