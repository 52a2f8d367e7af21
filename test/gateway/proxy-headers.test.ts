import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { rawHttp, startTestGateway, type TestGateway } from "../support/gateway.ts";

let g: TestGateway;
const up = new FaultUpstream("a");
let port: number;

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u1", targets: [{ url: up.url }] });
  const s = await g.create("services", { name: "s1", upstream_id: u.id });
  await g.create("routes", { name: "r1", service_id: s.id, paths: ["/h"] });
  await g.synced();
  port = Number(new URL(g.url).port);
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

const last = () => up.seen[up.seen.length - 1]!;

test("adds X-Forwarded-For/Proto/Host and appends to an existing X-Forwarded-For chain", async () => {
  const res = await fetch(`${g.url}/h/x`, { headers: { host: "api.example.test:8080", "x-forwarded-for": "10.1.2.3" } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  const h = last().headers;
  expect(h["x-forwarded-for"]).toBe("10.1.2.3, 127.0.0.1");
  expect(h["x-forwarded-proto"]).toBe("http");
  expect(h["x-forwarded-host"]).toBe("api.example.test:8080");
  // The upstream sees its own host, not the client's.
  expect(h.host).toBe(`127.0.0.1:${up.port}`);
});

test("generates an X-Request-Id, sends it upstream and returns it", async () => {
  const res = await fetch(`${g.url}/h/id`);
  await res.arrayBuffer();
  const id = res.headers.get("x-request-id");
  expect(id).toBeTruthy();
  expect(last().headers["x-request-id"]).toBe(id!);
  const rec = await g.record(id!);
  expect(rec.status).toBe(200);

  const other = await fetch(`${g.url}/h/id`);
  await other.arrayBuffer();
  expect(other.headers.get("x-request-id")).not.toBe(id);
});

test("propagates a client X-Request-Id and replaces an unsafe one", async () => {
  const ok = await fetch(`${g.url}/h/id`, { headers: { "x-request-id": "client-id.42" } });
  await ok.arrayBuffer();
  expect(ok.headers.get("x-request-id")).toBe("client-id.42");
  expect(last().headers["x-request-id"]).toBe("client-id.42");

  const bad = await fetch(`${g.url}/h/id`, { headers: { "x-request-id": "has spaces and <tags>" } });
  await bad.arrayBuffer();
  const id = bad.headers.get("x-request-id");
  expect(id).not.toBe("has spaces and <tags>");
  expect(last().headers["x-request-id"]).toBe(id!);
});

test("hop-by-hop request headers (and those named in Connection) are not forwarded", async () => {
  const before = up.seen.length;
  const res = await rawHttp(
    port,
    "GET /h/hop HTTP/1.1\r\n" +
      "Host: gw.test\r\n" +
      "Connection: keep-alive, X-Secret-Hop\r\n" +
      "Keep-Alive: timeout=5\r\n" +
      "TE: trailers\r\n" +
      "Upgrade: h2c\r\n" +
      "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n" +
      "X-Secret-Hop: must-not-pass\r\n" +
      "X-End-To-End: kept\r\n" +
      "\r\n",
  );
  expect(res.status).toBe(200);
  expect(up.seen.length).toBe(before + 1);
  const h = last().headers;
  expect(h["x-end-to-end"]).toBe("kept");
  for (const name of ["keep-alive", "te", "upgrade", "proxy-authorization", "x-secret-hop"]) expect(h[name]).toBeUndefined();
  // Whatever Connection the gateway's own client sends, it never carries the client's tokens.
  expect(h.connection ?? "").not.toContain("X-Secret-Hop");
  expect((h.connection ?? "").toLowerCase()).not.toContain("x-secret-hop");
});

test("hop-by-hop response headers (and those named in Connection) are not returned", async () => {
  up.mode = {
    kind: "ok",
    body: "{}",
    headers: { connection: "keep-alive, x-upstream-hop", "keep-alive": "timeout=7", "x-upstream-hop": "secret", "proxy-authenticate": "Basic", "x-kept": "yes" },
  };
  try {
    const res = await rawHttp(port, "GET /h/resp HTTP/1.1\r\nHost: gw.test\r\n\r\n");
    expect(res.status).toBe(200);
    expect(res.headers["x-kept"]).toBe("yes");
    expect(res.headers["x-upstream-hop"]).toBeUndefined();
    expect(res.headers["proxy-authenticate"]).toBeUndefined();
    expect(res.headers["keep-alive"] ?? "").not.toContain("timeout=7");
    expect((res.headers.connection ?? "").toLowerCase()).not.toContain("x-upstream-hop");
  } finally {
    up.mode = { kind: "ok" };
  }
});
