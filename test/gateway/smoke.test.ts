import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

let g: TestGateway;
const up = new FaultUpstream("a");

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u1", targets: [{ url: up.url }] });
  const s = await g.create("services", { name: "s1", upstream_id: u.id });
  await g.create("routes", { name: "r1", service_id: s.id, paths: ["/api"], strip_path: true });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

test("proxies a request end to end", async () => {
  const res = await fetch(`${g.url}/api/hello?x=1`, { headers: { "x-request-id": "abc123" } });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-request-id")).toBe("abc123");
  const body = (await res.json()) as { path: string; headers: Record<string, string> };
  expect(body.path).toBe("/hello?x=1");
  expect(body.headers["x-forwarded-for"]).toBe("127.0.0.1");
  expect(body.headers["x-request-id"]).toBe("abc123");
});
