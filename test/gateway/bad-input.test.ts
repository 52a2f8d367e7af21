import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { type RawResponse, rawHttp, startTestGateway, type TestGateway } from "../support/gateway.ts";

let g: TestGateway;
const up = new FaultUpstream("a");
let port: number;

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  const s = await g.create("services", { name: "s", upstream_id: u.id, max_request_body_bytes: 1000 });
  await g.create("routes", { name: "r", service_id: s.id, paths: ["/"] });
  await g.create("routes", { name: "p", service_id: s.id, paths: ["/users/:id"], prefix: false, rewrite: "/u/:id" });
  await g.synced();
  port = Number(new URL(g.url).port);
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

async function stillServing(): Promise<void> {
  const res = await fetch(`${g.url}/alive`);
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

/** A clean HTTP error: a parseable status line with a 4xx status, nothing reaching the upstream. */
async function expectCleanError(payload: string, status: number, code?: string): Promise<RawResponse> {
  const before = up.seen.length;
  const res = await rawHttp(port, payload, { maxMs: 2000 });
  expect(res.text.startsWith("HTTP/1.1 ")).toBe(true);
  expect(res.status).toBe(status);
  if (code) expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe(code);
  expect(up.seen.length).toBe(before);
  await stillServing();
  return res;
}

test("malformed request lines and binary garbage get 400", async () => {
  await expectCleanError("G@T /x HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  await expectCleanError("\x00\x01\x02\xff\xfe garbage\r\n\r\n", 400);
  await expectCleanError("GET x HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  await expectCleanError("GET /x HTTP/1.1\r\nHost: a\r\nX-A: a\x00b\r\n\r\n", 400);
});

test("an unknown method token never reaches the upstream and does not hurt the gateway", async () => {
  // The HTTP server closes such connections without an answer; what matters is nothing else breaks.
  const before = up.seen.length;
  const res = await rawHttp(port, "FOO /x HTTP/1.1\r\nHost: a\r\n\r\n", { maxMs: 2000 });
  expect(res.closed).toBe(true);
  if (res.text !== "") expect(res.status).toBeGreaterThanOrEqual(400);
  expect(up.seen.length).toBe(before);
  await stillServing();
});

test("huge headers and URLs get 431", async () => {
  await expectCleanError(`GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${"a".repeat(200_000)}\r\n\r\n`, 431);
  await expectCleanError(`GET /x HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`).join("\r\n")}\r\n\r\n`, 431);
  await expectCleanError(`GET /${"a".repeat(100_000)} HTTP/1.1\r\nHost: a\r\n\r\n`, 431);
});

test("invalid percent-encoding in the path gets a JSON 400 bad_request", async () => {
  await expectCleanError("GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad_request");
  await expectCleanError("GET /a%2 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad_request");
  await expectCleanError("GET /users/%E0%A4%A HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad_request");
  // Well-formed escapes, even of bytes that are not UTF-8, pass through untouched.
  const res = await rawHttp(port, "GET /users/%C3%A9%ff HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  expect(res.status).toBe(200);
  expect(up.seen[up.seen.length - 1]!.path).toBe("/u/%C3%A9%ff");
});

test("absurd, negative, conflicting or oversized Content-Length values are refused", async () => {
  await expectCleanError("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\nabc", 400);
  await expectCleanError("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\nabc", 400);
  await expectCleanError("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabc", 400);
  await expectCleanError("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400);
  await expectCleanError("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400);
  await expectCleanError("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5000000\r\n\r\nabc", 413, "payload_too_large");
});

test("requests the router has no answer for get JSON errors", async () => {
  await expectCleanError("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n", 404, "route_not_found");
  await expectCleanError("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  await expectCleanError("GET /x HTTP/1.1\r\n\r\n", 400);
});

test("a burst of abusive connections leaves the gateway serving", async () => {
  const payloads = ["FOO / HTTP/1.1\r\n\r\n", "\xff\xff\xff\r\n\r\n", "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\n"];
  await Promise.all(Array.from({ length: 50 }, (_, i) => rawHttp(port, payloads[i % payloads.length]!, { maxMs: 1000, idleMs: 50 })));
  await stillServing();
});
