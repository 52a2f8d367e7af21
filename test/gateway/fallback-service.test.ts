import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

let g: TestGateway;
const main = new FaultUpstream("main");
const viaRoute = new FaultUpstream("route-fallback");
const viaService = new FaultUpstream("service-fallback");

const lenient = { outlier_detection: { enabled: false }, circuit_breaker: { enabled: false } };

beforeAll(async () => {
  for (const u of [main, viaRoute, viaService]) u.start();
  g = await startTestGateway();
  const um = await g.create("upstreams", { name: "main", targets: [{ url: main.url }], ...lenient });
  const ur = await g.create("upstreams", { name: "route-fb", targets: [{ url: viaRoute.url }] });
  const us = await g.create("upstreams", { name: "service-fb", targets: [{ url: viaService.url }] });
  const sr = await g.create("services", { name: "route-fb", upstream_id: ur.id });
  const ss = await g.create("services", { name: "service-fb", upstream_id: us.id });
  const s = await g.create("services", { name: "main", upstream_id: um.id, fallback_service_id: ss.id, retry: { attempts: 1 } });
  const empty = await g.create("services", { name: "no-upstream", fallback_service_id: ss.id });
  await g.create("routes", { name: "own", service_id: s.id, paths: ["/own"] });
  await g.create("routes", { name: "override", service_id: s.id, paths: ["/override"], fallback_service_id: sr.id });
  await g.create("routes", { name: "empty", service_id: empty.id, paths: ["/empty"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  for (const u of [main, viaRoute, viaService]) u.stop();
});

async function call(path: string, init?: RequestInit) {
  const res = await fetch(g.url + path, init);
  await res.arrayBuffer();
  return { res, record: await g.record(res.headers.get("x-request-id")!) };
}

test("a healthy service answers itself", async () => {
  main.mode = { kind: "ok" };
  const { res, record } = await call("/own/x");
  expect(res.headers.get("x-upstream")).toBe("main");
  expect(record.fallback_path).toEqual(["main"]);
});

test("the service's fallback answers when the service's upstream fails", async () => {
  main.mode = { kind: "status", status: 503 };
  const { res, record } = await call("/own/x");
  expect(res.status).toBe(200);
  expect(res.headers.get("x-upstream")).toBe("service-fallback");
  expect(record.fallback_path).toEqual(["main", "service-fb"]);
  main.mode = { kind: "ok" };
});

test("the route's fallback overrides the service's", async () => {
  main.mode = { kind: "reset" };
  const { res, record } = await call("/override/x");
  expect(res.status).toBe(200);
  expect(res.headers.get("x-upstream")).toBe("route-fallback");
  expect(record.fallback_path[1]).toBe("route-fb");
  main.mode = { kind: "ok" };
});

test("a service without an upstream goes straight to its fallback", async () => {
  const { res, record } = await call("/empty/x");
  expect(res.status).toBe(200);
  expect(res.headers.get("x-upstream")).toBe("service-fallback");
  expect(record.fallback_path).toEqual(["no-upstream", "service-fb"]);
});

test("a POST body reaches the fallback intact; a non-retriable 404 does not fall back", async () => {
  main.mode = { kind: "status", status: 502 };
  const before = viaService.seen.length;
  const { res } = await call("/own/post", { method: "PUT", body: "the-body" });
  expect(res.status).toBe(200);
  expect(viaService.seen[before]!.body).toBe("the-body");

  main.mode = { kind: "status", status: 404 };
  const { res: notFound, record } = await call("/own/missing");
  expect(notFound.status).toBe(404);
  expect(notFound.headers.get("x-upstream")).toBe("main");
  expect(record.fallback_path).toEqual(["main"]);
  main.mode = { kind: "ok" };
});
