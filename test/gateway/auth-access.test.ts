/**
 * Gateway access for every state of an API key credential and of the
 * subscription, with the changes made through the admin API the way an
 * operator makes them: a key disabled, rotated with an overlap, a key of
 * another service's or another team's application, a subscription revoked.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Application, Service } from "../../src/config/entities.ts";
import { type AdminServer, startAdmin } from "../control/fixture.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, TEST_SECRETS, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
let api: AdminServer;
const up = new FaultUpstream("access");
let payments: Service;
let orders: Service;
let billingApp: Application;

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  api = startAdmin(g.store, () => [], TEST_SECRETS);
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  const finance = await g.create("teams", { name: "finance" });
  const shop = await g.create("teams", { name: "shop" });
  payments = await g.create("services", { name: "payments", team_id: finance.id, upstream_id: u.id, auth: { mode: "key_auth" } });
  orders = await g.create("services", { name: "orders", team_id: shop.id, upstream_id: u.id, auth: { mode: "key_auth" } });
  await g.create("routes", { name: "pay", service_id: payments.id, paths: ["/pay"] });
  await g.create("routes", { name: "ord", service_id: orders.id, paths: ["/orders"] });
  billingApp = await g.create("applications", { name: "billing", team_id: finance.id });
  await g.create("subscriptions", { application_id: billingApp.id, service_id: payments.id });
  await g.synced();
});
afterAll(async () => {
  await api.stop();
  await g.stop();
  up.stop();
});

async function call(path: string, key?: string) {
  const before = up.seen.length;
  const res = await fetch(g.url + path, { headers: key ? { "x-api-key": key } : {} });
  const text = await res.text();
  const code = res.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
  return { status: res.status, code, reachedUpstream: up.seen.length > before };
}

async function newKey(applicationId: string, name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const res = await api.call("POST", "/admin/credentials", { name, application_id: applicationId, ...extra });
  expect(res.status).toBe(201);
  await g.synced();
  return { id: res.body.id, key: res.body.key };
}

test("valid key of a subscribed application: 200", async () => {
  const { key } = await newKey(billingApp.id, "valid");
  expect(await call("/pay/x", key)).toMatchObject({ status: 200, reachedUpstream: true });
});

test("missing key: 401 unauthorized", async () => {
  expect(await call("/pay/x")).toMatchObject({ status: 401, code: "unauthorized", reachedUpstream: false });
});

test("expired key: 401 credential_expired", async () => {
  const { key } = await newKey(billingApp.id, "expired", { expires_at: new Date(Date.now() - 1000).toISOString() });
  expect(await call("/pay/x", key)).toMatchObject({ status: 401, code: "credential_expired", reachedUpstream: false });
});

test("a key that expires while in use stops working at its expiry", async () => {
  const { key } = await newKey(billingApp.id, "short-lived", { expires_at: new Date(Date.now() + 700).toISOString() });
  expect((await call("/pay/x", key)).status).toBe(200);
  await Bun.sleep(800);
  expect(await call("/pay/x", key)).toMatchObject({ status: 401, code: "credential_expired", reachedUpstream: false });
});

test("disabled through the admin API: 401 invalid_credential within 1 s; deleted: the same", async () => {
  const { id, key } = await newKey(billingApp.id, "to-disable");
  expect((await call("/pay/x", key)).status).toBe(200);
  const at = performance.now();
  expect((await api.call("PATCH", `/admin/credentials/${id}`, { enabled: false })).status).toBe(200);
  await waitFor(async () => (await call("/pay/x", key)).status === 401, 2000, "disable");
  expect(performance.now() - at).toBeLessThan(1000);
  expect(await call("/pay/x", key)).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });

  const other = await newKey(billingApp.id, "to-delete");
  expect((await api.call("DELETE", `/admin/credentials/${other.id}`)).status).toBe(200);
  await g.synced();
  expect(await call("/pay/x", other.key)).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
});

test("rotated: old and new keys both work during the overlap, only the new one after it", async () => {
  const old = await newKey(billingApp.id, "rotating");
  const res = await api.call("POST", `/admin/credentials/${old.id}/rotate`, { overlap_seconds: 1 });
  expect(res.status).toBe(201);
  const fresh: string = res.body.credential.key;
  await g.synced();
  expect((await call("/pay/x", old.key)).status).toBe(200);
  expect((await call("/pay/x", fresh)).status).toBe(200);
  await waitFor(async () => (await call("/pay/x", old.key)).status === 401, 3000, "end of overlap");
  expect(await call("/pay/x", old.key)).toMatchObject({ status: 401, code: "credential_expired", reachedUpstream: false });
  expect((await call("/pay/x", fresh)).status).toBe(200);
});

test("a key of an application subscribed to another service: 403 subscription_required", async () => {
  const { key } = await newKey(billingApp.id, "wrong-service");
  expect((await call("/pay/x", key)).status).toBe(200);
  expect(await call("/orders/x", key)).toMatchObject({ status: 403, code: "subscription_required", reachedUpstream: false });
});

test("a key of another team's application without a subscription: 403 subscription_required", async () => {
  const shopApp = await g.create("applications", { name: "storefront", team_id: (await g.store.getByName("teams", "shop"))!.id });
  await g.create("subscriptions", { application_id: shopApp.id, service_id: orders.id });
  const { key } = await newKey(shopApp.id, "shop-key");
  expect((await call("/orders/x", key)).status).toBe(200);
  expect(await call("/pay/x", key)).toMatchObject({ status: 403, code: "subscription_required", reachedUpstream: false });
});

test("subscription pending (manual approval), then approved, then cancelled: 403 again within 1 s", async () => {
  const ledger = await g.create("services", { name: "ledger", upstream_id: payments.upstream_id, auth: { mode: "key_auth" }, subscription_approval: "manual" });
  await g.create("routes", { name: "ledger", service_id: ledger.id, paths: ["/ledger"] });
  const app = await g.create("applications", { name: "lifecycle" });
  const { key } = await newKey(app.id, "k");
  const sub = await api.call("POST", "/admin/subscriptions", { application_id: app.id, service_id: ledger.id });
  expect(sub.body.status).toBe("pending");
  expect(sub.status).toBe(201);
  await g.synced();
  expect(await call("/ledger/x", key)).toMatchObject({ status: 403, code: "subscription_pending", reachedUpstream: false });
  expect((await api.call("POST", `/admin/subscriptions/${sub.body.id}/approve`, {})).status).toBe(200);
  await waitFor(async () => (await call("/ledger/x", key)).status === 200, 2000, "approval");
  const at = performance.now();
  expect((await api.call("POST", `/admin/subscriptions/${sub.body.id}/cancel`, {})).status).toBe(200);
  await waitFor(async () => (await call("/ledger/x", key)).status === 403, 2000, "cancel");
  expect(performance.now() - at).toBeLessThan(1000);
  expect(await call("/ledger/x", key)).toMatchObject({ status: 403, code: "subscription_required", reachedUpstream: false });
});

test("a jwt credential cannot be rotated like a key: 409 invalid_transition", async () => {
  const res = await api.call("POST", "/admin/credentials", {
    name: "jwt",
    application_id: billingApp.id,
    kind: "jwt",
    jwt: { issuer: "rotate-test", algorithms: ["HS256"], keys: [{ secret: "x".repeat(32) }] },
  });
  expect(res.status).toBe(201);
  const rotated = await api.call("POST", `/admin/credentials/${res.body.id}/rotate`, {});
  expect(rotated.status).toBe(409);
  expect(rotated.body.error.code).toBe("invalid_transition");
});
