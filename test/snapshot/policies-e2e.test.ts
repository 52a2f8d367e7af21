import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Application } from "../../src/config/entities.ts";
import { registerTestPolicyKind } from "../../src/policies/registry.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ONLY_ONE, STAMP } from "./fake-kinds.ts";

let g: TestGateway;
const up = new FaultUpstream("a");
const keys: Record<string, string> = {};
let blocked: Application;
const unregister: Array<() => void> = [];

beforeAll(async () => {
  unregister.push(registerTestPolicyKind(STAMP), registerTestPolicyKind(ONLY_ONE));
  up.start();
  g = await startTestGateway();
  const team = await g.create("teams", { name: "core" });
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  const svc = await g.create("services", { name: "secured", team_id: team.id, upstream_id: u.id, auth: { mode: "key_auth" } });
  const route = await g.create("routes", { name: "r", service_id: svc.id, paths: ["/s"] });
  const plain = await g.create("applications", { name: "plain" });
  const special = await g.create("applications", { name: "special" });
  blocked = await g.create("applications", { name: "blocked" });
  for (const app of [plain, special, blocked]) {
    await g.create("subscriptions", { application_id: app.id, service_id: svc.id });
    keys[app.name] = (await g.apiKey(app.id)).key;
  }
  await g.create("policies", { name: "g-limit", kind: "stamp", scope: "global" });
  await g.create("policies", { name: "t-limit", kind: "stamp", scope: "team", team_id: team.id });
  await g.create("policies", { name: "r-cors", kind: "only_one", scope: "route", route_id: route.id });
  await g.create("policies", { name: "off", kind: "stamp", scope: "service", service_id: svc.id, enabled: false });
  await g.create("policies", { name: "special-cors", kind: "only_one", scope: "application", application_id: special.id });
  await g.create("policies", { name: "special-limit", kind: "stamp", scope: "application", application_id: special.id });
  await g.create("policies", { name: "deny", kind: "stamp", scope: "application", application_id: blocked.id, config: { block: true } });
  await g.synced();
});

afterAll(async () => {
  await g.stop();
  up.stop();
  for (const off of unregister) off();
});

async function call(key?: string) {
  const before = up.seen.length;
  const res = await fetch(`${g.url}/s`, { headers: key ? { "x-api-key": key } : {} });
  await res.text();
  return { status: res.status, trail: res.headers.get("x-policy-trail"), reachedUpstream: up.seen.length > before };
}

test("attached policies run global → team → route; disabled ones do not", async () => {
  const r = await call(keys.plain);
  expect(r.status).toBe(200);
  expect(r.trail).toBe("g-limit, t-limit, r-cors");
});

test("an application's own policies apply to its requests only, overriding the route's override kind", async () => {
  const r = await call(keys.special);
  expect(r.status).toBe(200);
  expect(r.trail).toBe("g-limit, t-limit, special-cors, special-limit");
  expect((await call(keys.plain)).trail).toBe("g-limit, t-limit, r-cors");
});

test("an application policy that refuses stops that application before the upstream, and nobody else", async () => {
  const r = await call(keys.blocked);
  expect(r.status).toBe(418);
  expect(r.reachedUpstream).toBe(false);
  expect((await call(keys.plain)).status).toBe(200);
});

test("without a key, key auth refuses first; the route's policies still decorate the refusal (as CORS must)", async () => {
  const r = await call();
  expect(r.status).toBe(401);
  expect(r.reachedUpstream).toBe(false);
  // The route's chain, not an application's: without a key no application is known.
  expect(r.trail).toBe("g-limit, t-limit, r-cors");
});

test("turning an application policy off takes effect with the next snapshot", async () => {
  const deny = await g.store.getByName("policies", "deny");
  if (!deny) throw new Error("deny policy missing");
  const { id: _id, created_at: _c, updated_at: _u, ...doc } = deny;
  await g.update("policies", deny.id, { ...doc, enabled: false });
  await g.synced();
  expect((await call(keys.blocked)).status).toBe(200);
  expect(deny.application_id).toBe(blocked.id);
});
