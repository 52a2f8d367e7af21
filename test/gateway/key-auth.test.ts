import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Application, Service, Subscription } from "../../src/config/entities.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
const up = new FaultUpstream("a");
let svc: Service;
let approvedApp: Application;
let sub: Subscription;
const keys: Record<string, string> = {};

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  svc = await g.create("services", { name: "secured", upstream_id: u.id, auth: { mode: "key_auth" } });
  const shown = await g.create("services", { name: "shown", upstream_id: u.id, auth: { mode: "key_auth", hide_credentials: false } });
  await g.create("routes", { name: "r", service_id: svc.id, paths: ["/s"] });
  await g.create("routes", { name: "r2", service_id: shown.id, paths: ["/shown"] });

  approvedApp = await g.create("applications", { name: "approved" });
  sub = await g.create("subscriptions", { application_id: approvedApp.id, service_id: svc.id, status: "approved" });
  await g.create("subscriptions", { application_id: approvedApp.id, service_id: shown.id, status: "approved" });
  keys.approved = (await g.apiKey(approvedApp.id)).key;
  keys.expired = (await g.apiKey(approvedApp.id, "old", { expires_at: new Date(Date.now() - 60_000).toISOString() })).key;
  keys.disabled = (await g.apiKey(approvedApp.id, "off", { enabled: false })).key;

  const pendingApp = await g.create("applications", { name: "pending" });
  await g.create("subscriptions", { application_id: pendingApp.id, service_id: svc.id, status: "pending" });
  keys.pending = (await g.apiKey(pendingApp.id)).key;

  const loneApp = await g.create("applications", { name: "lone" });
  keys.lone = (await g.apiKey(loneApp.id)).key;
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

async function call(path: string, headers: Record<string, string> = {}) {
  const before = up.seen.length;
  const res = await fetch(g.url + path, { headers });
  const text = await res.text();
  const code = res.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
  return { status: res.status, code, reachedUpstream: up.seen.length > before, res };
}

test("no key: 401 unauthorized, upstream untouched", async () => {
  expect(await call("/s/x")).toMatchObject({ status: 401, code: "unauthorized", reachedUpstream: false });
});

test("unknown or disabled key: 401 invalid_credential", async () => {
  expect(await call("/s/x", { "x-api-key": "wg_test_not_a_real_key_000000" })).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
  expect(await call("/s/x", { "x-api-key": keys.disabled! })).toMatchObject({ status: 401, code: "invalid_credential" });
});

test("expired key: 401 credential_expired", async () => {
  expect(await call("/s/x", { authorization: `Bearer ${keys.expired}` })).toMatchObject({ status: 401, code: "credential_expired", reachedUpstream: false });
});

test("no subscription: 403 subscription_required; pending: 403 subscription_pending", async () => {
  expect(await call("/s/x", { "x-api-key": keys.lone! })).toMatchObject({ status: 403, code: "subscription_required", reachedUpstream: false });
  expect(await call("/s/x", { "x-api-key": keys.pending! })).toMatchObject({ status: 403, code: "subscription_pending", reachedUpstream: false });
});

test("approved: 200, the key does not reach the upstream, and the call record names the application", async () => {
  const viaHeader = await call("/s/x", { "x-api-key": keys.approved! });
  expect(viaHeader.status).toBe(200);
  expect(up.seen[up.seen.length - 1]!.headers["x-api-key"]).toBeUndefined();

  const viaBearer = await call("/s/x", { authorization: `Bearer ${keys.approved}` });
  expect(viaBearer.status).toBe(200);
  const seen = up.seen[up.seen.length - 1]!.headers;
  expect(seen.authorization).toBeUndefined();
  expect(JSON.stringify(seen)).not.toContain(keys.approved!);

  const rec = await g.record(viaBearer.res.headers.get("x-request-id")!);
  expect(rec.application_id).toBe(approvedApp.id);
  expect(rec.credential_id).toBeTruthy();
});

test("hide_credentials: false forwards the key", async () => {
  const r = await call("/shown/x", { "x-api-key": keys.approved! });
  expect(r.status).toBe(200);
  expect(up.seen[up.seen.length - 1]!.headers["x-api-key"]).toBe(keys.approved!);
});

test("revoking the subscription answers 403 within 1 s", async () => {
  expect((await call("/s/x", { "x-api-key": keys.approved! })).status).toBe(200);
  const revokedAt = performance.now();
  await g.update("subscriptions", sub.id, { application_id: approvedApp.id, service_id: svc.id, status: "revoked" });
  await waitFor(async () => (await call("/s/x", { "x-api-key": keys.approved! })).status === 403, 2000, "revocation");
  expect(performance.now() - revokedAt).toBeLessThan(1000);
  expect(await call("/s/x", { "x-api-key": keys.approved! })).toMatchObject({ status: 403, code: "subscription_required", reachedUpstream: false });
});
