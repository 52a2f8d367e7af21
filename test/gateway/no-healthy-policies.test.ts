import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
const lone = new FaultUpstream("lone");
const four = [new FaultUpstream("t1"), new FaultUpstream("t2"), new FaultUpstream("t3"), new FaultUpstream("t4")];
const health = { enabled: true, interval_ms: 100, timeout_ms: 100, healthy_threshold: 1, unhealthy_threshold: 1 };

beforeAll(async () => {
  for (const u of [lone, ...four]) u.start();
  g = await startTestGateway();
  const st = await g.create("upstreams", {
    name: "static",
    targets: [{ url: lone.url }],
    health_check: health,
    no_healthy_upstream: { mode: "static", static_response: { status: 200, headers: { "content-type": "application/json", "x-degraded": "1" }, body: '{"items":[]}' } },
  });
  const panic = await g.create("upstreams", {
    name: "panic",
    targets: four.map((t) => ({ url: t.url })),
    health_check: health,
    no_healthy_upstream: { mode: "panic", panic_threshold_percent: 50 },
  });
  const s1 = await g.create("services", { name: "static", upstream_id: st.id });
  const s2 = await g.create("services", { name: "panic", upstream_id: panic.id });
  await g.create("routes", { name: "static", service_id: s1.id, paths: ["/static"] });
  await g.create("routes", { name: "panic", service_id: s2.id, paths: ["/panic"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  for (const u of [lone, ...four]) u.stop();
});

const unhealthy = (url: string) => () => g.gw.health().find((t) => t.url === url)!.active_health.state === "unhealthy";

test("static: the configured response is served when no target is healthy", async () => {
  lone.healthStatus = 503;
  await waitFor(unhealthy(lone.url), 2000, "lone unhealthy");
  const before = lone.seen.length;
  const res = await fetch(`${g.url}/static/list`);
  expect(res.status).toBe(200);
  expect(res.headers.get("x-degraded")).toBe("1");
  expect(res.headers.get("x-waygate-fallback")).toBe("static");
  expect(res.headers.get("x-request-id")).toBeTruthy();
  expect(await res.text()).toBe('{"items":[]}');
  expect(lone.seen.length).toBe(before);
  const rec = await g.record(res.headers.get("x-request-id")!);
  expect(rec.error_code).toBe("no_healthy_upstream");

  lone.healthStatus = null;
  await waitFor(() => !unhealthy(lone.url)(), 2000, "lone healthy");
  const ok = await fetch(`${g.url}/static/list`);
  expect(ok.headers.get("x-upstream")).toBe("lone");
  await ok.arrayBuffer();
});

test("panic: below the healthy threshold traffic is balanced over all targets", async () => {
  // Normal: one unhealthy target of four (75 % healthy) is avoided.
  four[0]!.healthStatus = 500;
  await waitFor(unhealthy(four[0]!.url), 2000, "t1 unhealthy");
  const before = four.map((t) => t.seen.length);
  for (let i = 0; i < 12; i++) {
    const res = await fetch(`${g.url}/panic/x`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
  }
  expect(four[0]!.seen.length).toBe(before[0]!);

  // Three of four unhealthy (25 % < 50 %): health is ignored and every target takes a share.
  four[1]!.healthStatus = 500;
  four[2]!.healthStatus = 500;
  await waitFor(() => unhealthy(four[1]!.url)() && unhealthy(four[2]!.url)(), 2000, "t2, t3 unhealthy");
  const mid = four.map((t) => t.seen.length);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${g.url}/panic/x`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    ids.push(res.headers.get("x-request-id")!);
  }
  const got = four.map((t, i) => t.seen.length - mid[i]!);
  for (const n of got) expect(n).toBeGreaterThanOrEqual(2);
  const records = (await g.records()).filter((r) => ids.includes(r.request_id));
  expect(records.every((r) => r.panic)).toBe(true);
  for (const t of four) t.healthStatus = null;
});
