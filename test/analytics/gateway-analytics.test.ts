/**
 * Analytics end to end: real calls through a gateway roll up into the
 * store, breaker openings and outlier ejections land in the health history,
 * and the admin API answers from both.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SqlRollupStore } from "../../src/analytics/sql-rollup-store.ts";
import { INPUT_SCHEMAS, type Kind } from "../../src/config/entities.ts";
import { createAdminHandler } from "../../src/control/handler.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import { openStore } from "../../src/store/open.ts";
import type { EntityData, Store } from "../../src/store/store.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";

const TOKEN = "analytics-test-token-0123456789";
let store: Store;
let gw: RunningGateway;
let admin: (req: Request) => Promise<Response>;
const flaky = new FaultUpstream("flaky");
const dying = new FaultUpstream("dying");
let breakerUpstream = "";
let outlierUpstream = "";

async function create(kind: Kind, input: Record<string, unknown>): Promise<{ id: string }> {
  return store.create(kind, INPUT_SCHEMAS[kind].parse(input) as unknown as EntityData<typeof kind>);
}

beforeAll(async () => {
  flaky.start();
  dying.start();
  store = await openStore("sqlite::memory:");
  const team = await create("teams", { name: "checkout" });
  const u1 = await create("upstreams", {
    name: "flaky",
    team_id: team.id,
    targets: [{ url: flaky.url }],
    outlier_detection: { enabled: false },
    circuit_breaker: { enabled: true, window_ms: 10_000, minimum_calls: 3, failure_rate_percent: 50, open_ms: 60_000, half_open_probes: 1 },
  });
  const u2 = await create("upstreams", {
    name: "dying",
    team_id: team.id,
    targets: [{ url: dying.url }],
    outlier_detection: { enabled: true, consecutive_failures: 2, consecutive_gateway_errors: 2, max_ejection_percent: 100 },
    circuit_breaker: { enabled: false },
  });
  breakerUpstream = u1.id;
  outlierUpstream = u2.id;
  const s1 = await create("services", { name: "orders", team_id: team.id, upstream_id: u1.id, retry: { attempts: 1 } });
  const s2 = await create("services", { name: "stock", team_id: team.id, upstream_id: u2.id, retry: { attempts: 1 } });
  await create("routes", { name: "orders", service_id: s1.id, paths: ["/orders"] });
  await create("routes", { name: "stock", service_id: s2.id, paths: ["/stock"] });
  gw = await startGateway({ store, proxy: { hostname: "127.0.0.1", port: 0 }, admin: null, callLog: null, pollMs: 50, analytics: new SqlRollupStore(store.db) });
  admin = createAdminHandler({ store, adminToken: TOKEN });
});
afterAll(async () => {
  await gw.stop();
  await store.close();
  flaky.stop();
  dying.stop();
});

async function adminGet(path: string): Promise<any> {
  const res = await admin(new Request(`http://admin.test${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(res.status).toBe(200);
  return res.json();
}

test("calls roll up by route and errors by code; breaker opening and outlier ejection are in the health history", async () => {
  const from = new Date(Date.now() - 60_000).toISOString();
  flaky.mode = { kind: "ok", body: "fine" };
  for (let i = 0; i < 3; i++) expect((await fetch(`${gw.proxyUrl}/orders/${i}`)).status).toBe(200);
  flaky.mode = { kind: "status", status: 500 };
  for (let i = 0; i < 3; i++) expect((await fetch(`${gw.proxyUrl}/orders/x`)).status).toBe(500);
  expect((await fetch(`${gw.proxyUrl}/orders/x`)).status).toBe(503);
  dying.mode = { kind: "status", status: 502 };
  for (let i = 0; i < 2; i++) expect((await fetch(`${gw.proxyUrl}/stock`)).status).toBe(502);
  expect((await fetch(`${gw.proxyUrl}/nowhere`)).status).toBe(404);

  await gw.analytics!.flush(true);
  const to = new Date(Date.now() + 60_000).toISOString();

  const routes = await adminGet(`/admin/analytics/top?by=route&metric=calls&from=${from}&to=${to}`);
  expect(routes.items.map((i: { name: string; calls: number; errors: number }) => [i.name, i.calls, i.errors])).toEqual([
    ["orders", 7, 4],
    ["stock", 2, 2],
  ]);
  const codes = await adminGet(`/admin/analytics/top?by=error_code&from=${from}&to=${to}`);
  expect(Object.fromEntries(codes.items.map((i: { key: string; value: number }) => [i.key, i.value]))).toEqual({
    http_500: 3,
    http_502: 2,
    no_healthy_upstream: 1,
    route_not_found: 1,
  });

  const health = await adminGet(`/admin/analytics/health?from=${from}&to=${to}`);
  const opened = health.events.find((e: { event: string }) => e.event === "breaker_opened");
  expect(opened).toMatchObject({ upstream_id: breakerUpstream, target: flaky.url, detail: { failure_rate_percent: 50, calls_in_window: 6 } });
  expect(opened.team_id).not.toBeNull();
  const ejected = health.events.find((e: { event: string }) => e.event === "outlier_ejected");
  expect(ejected).toMatchObject({ upstream_id: outlierUpstream, target: dying.url, detail: { ejection_count: 1 } });
  expect(Date.parse(ejected.detail.until)).toBeGreaterThan(Date.parse(ejected.at));
  expect(gw.metrics.render()).toContain('waygate_analytics_dropped_total{what="rollups"} 0');
});
