import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
const up = new FaultUpstream("a");
const OPEN_MS = 400;

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", {
    name: "u",
    targets: [{ url: up.url }],
    outlier_detection: { enabled: false },
    circuit_breaker: { enabled: true, window_ms: 5000, minimum_calls: 4, failure_rate_percent: 50, open_ms: OPEN_MS, half_open_probes: 2 },
  });
  const s = await g.create("services", { name: "s", upstream_id: u.id, retry: { attempts: 1 } });
  await g.create("routes", { name: "r", service_id: s.id, paths: ["/b"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

const breaker = () => g.gw.health()[0]!.breaker;

async function get(): Promise<{ status: number; code: string | undefined; retryAfter: string | null }> {
  const res = await fetch(`${g.url}/b/x`);
  const text = await res.text();
  const code = res.headers.get("content-type")?.includes("json") ? (JSON.parse(text) as { error?: { code: string } }).error?.code : undefined;
  return { status: res.status, code, retryAfter: res.headers.get("retry-after") };
}

test("closed → open → half-open → closed over real requests", async () => {
  expect(breaker().state).toBe("closed");

  // Four failing calls of four reach the minimum and open the breaker.
  up.mode = { kind: "status", status: 500 };
  for (let i = 0; i < 4; i++) expect((await get()).status).toBe(500);
  expect(breaker().state).toBe("open");
  expect(breaker().next_attempt_at).not.toBeNull();

  // Open: the upstream is not called; the client is told when to come back.
  const before = up.seen.length;
  const rejected = await get();
  expect(rejected.status).toBe(503);
  expect(rejected.code).toBe("no_healthy_upstream");
  expect(Number(rejected.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(up.seen.length).toBe(before);

  // After open_ms a probe goes through: half-open while it is in flight.
  up.mode = { kind: "ok", latencyMs: 150 };
  await Bun.sleep(OPEN_MS + 20);
  const probe = get();
  await waitFor(() => breaker().state === "half_open", 1000, "half-open");
  expect((await probe).status).toBe(200);
  expect(breaker().state).toBe("half_open");

  // The second successful probe closes it.
  up.mode = { kind: "ok" };
  expect((await get()).status).toBe(200);
  expect(breaker().state).toBe("closed");
  for (let i = 0; i < 5; i++) expect((await get()).status).toBe(200);
});

test("a failed half-open probe opens the breaker again", async () => {
  up.mode = { kind: "status", status: 500 };
  // Closing reset the window; it holds the five successes since, so the fifth failure (5/10) opens it.
  let failures = 0;
  while (breaker().state === "closed" && failures < 10) {
    await get();
    failures++;
  }
  expect(failures).toBe(5);
  expect(breaker().state).toBe("open");
  await Bun.sleep(OPEN_MS + 20);
  expect((await get()).status).toBe(500);
  expect(breaker().state).toBe("open");
  const before = up.seen.length;
  expect((await get()).code).toBe("no_healthy_upstream");
  expect(up.seen.length).toBe(before);
  up.mode = { kind: "ok" };
});
