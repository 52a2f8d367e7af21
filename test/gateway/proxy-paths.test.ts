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
  const plain = await g.create("services", { name: "plain", upstream_id: u.id });
  const based = await g.create("services", { name: "based", upstream_id: u.id, base_path: "/v2" });
  await g.create("routes", { name: "strip", service_id: plain.id, paths: ["/strip"], strip_path: true });
  await g.create("routes", { name: "keep", service_id: plain.id, paths: ["/keep"] });
  await g.create("routes", { name: "rewrite", service_id: plain.id, paths: ["/users/:id/posts/:post"], prefix: false, rewrite: "/api/u/:id/p/:post" });
  await g.create("routes", { name: "based", service_id: based.id, paths: ["/based"], strip_path: true });
  await g.create("routes", { name: "b", service_id: plain.id, paths: ["/b"] });
  await g.create("routes", { name: "admin", service_id: plain.id, paths: ["/admin"] });
  await g.create("routes", { name: "getonly", service_id: plain.id, paths: ["/getonly"], methods: ["GET", "HEAD"] });
  await g.synced();
  port = Number(new URL(g.url).port);
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

async function upstreamPath(path: string): Promise<string> {
  const res = await fetch(g.url + path);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { path: string };
  return body.path;
}

test("strip_path removes the matched prefix", async () => {
  expect(await upstreamPath("/strip/a/b")).toBe("/a/b");
  expect(await upstreamPath("/strip")).toBe("/");
});

test("without strip_path the whole path is forwarded", async () => {
  expect(await upstreamPath("/keep/a/b")).toBe("/keep/a/b");
});

test("rewrite substitutes :params", async () => {
  expect(await upstreamPath("/users/42/posts/7")).toBe("/api/u/42/p/7");
});

test("base_path is prepended to the forwarded path", async () => {
  expect(await upstreamPath("/based/items")).toBe("/v2/items");
  expect(await upstreamPath("/based")).toBe("/v2");
});

test("query strings are preserved, including repeated and encoded values", async () => {
  expect(await upstreamPath("/strip/q?a=1&a=2&b=%20x%2F&empty=")).toBe("/q?a=1&a=2&b=%20x%2F&empty=");
  expect(await upstreamPath("/users/1/posts/2?x=y")).toBe("/api/u/1/p/2?x=y");
  expect(await upstreamPath("/based/items?page=3")).toBe("/v2/items?page=3");
});

test("HEAD is forwarded as HEAD and answers without a body", async () => {
  const before = up.seen.length;
  const res = await fetch(`${g.url}/keep/head`, { method: "HEAD" });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-upstream")).toBe("a");
  expect((await res.arrayBuffer()).byteLength).toBe(0);
  expect(up.seen.length).toBe(before + 1);
  expect(up.seen[before]!.method).toBe("HEAD");
});

test("404 route_not_found is a JSON error carrying the request id", async () => {
  const res = await fetch(`${g.url}/nothing/here`);
  expect(res.status).toBe(404);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: { code: string; message: string; request_id: string } };
  expect(body.error.code).toBe("route_not_found");
  expect(typeof body.error.message).toBe("string");
  expect(body.error.request_id).toBe(res.headers.get("x-request-id")!);
});

test("405 method_not_allowed lists the allowed methods", async () => {
  const res = await fetch(`${g.url}/getonly`, { method: "DELETE" });
  expect(res.status).toBe(405);
  const allow = (res.headers.get("allow") ?? "").split(",").map((m) => m.trim());
  expect(allow).toContain("GET");
  expect(allow).toContain("HEAD");
  const body = (await res.json()) as { error: { code: string; request_id: string } };
  expect(body.error.code).toBe("method_not_allowed");
  expect(body.error.request_id).toBe(res.headers.get("x-request-id")!);
});

// fetch() itself removes dot segments, so these go over a raw socket exactly as written.
async function rawPath(path: string): Promise<{ status: number; upstreamPath: string | undefined }> {
  const before = up.seen.length;
  const res = await rawHttp(port, `GET ${path} HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n`);
  return { status: res.status, upstreamPath: up.seen.length > before ? up.seen[up.seen.length - 1]!.path : undefined };
}

test("dot segments are removed before routing and forwarding", async () => {
  expect(await rawPath("/keep/../b/x")).toEqual({ status: 200, upstreamPath: "/b/x" });
  expect(await rawPath("/keep/./sub/./x")).toEqual({ status: 200, upstreamPath: "/keep/sub/x" });
  expect(await rawPath("/keep/%2e%2e/admin")).toEqual({ status: 200, upstreamPath: "/admin" });
  expect(await rawPath("/keep/%2E%2e/b")).toEqual({ status: 200, upstreamPath: "/b" });
  expect(await rawPath("/keep//x")).toEqual({ status: 200, upstreamPath: "/keep/x" });
});

test("dot segments cannot climb above the root", async () => {
  expect(await rawPath("/../../b/y")).toEqual({ status: 200, upstreamPath: "/b/y" });
  const escaped = await rawPath("/strip/%2e%2e/%2e%2e/etc");
  expect(escaped.status).toBe(404);
  expect(escaped.upstreamPath).toBeUndefined();
});
