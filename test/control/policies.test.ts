/** The `policies` kind through the admin API: kind and config validation, scope targets, names as references. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdminHandler } from "../../src/control/handler.ts";
import { kindLookup } from "../../src/policies/registry.ts";
import type { Store } from "../../src/store/store.ts";
import { sqliteBackend } from "../store/backends.ts";
import { ONLY_ONE, STAMP } from "../snapshot/fake-kinds.ts";
import type { FreshStore } from "./admin.case.ts";
import { TOKEN } from "./fixture.ts";

describe("admin API: policies", () => {
  let db: FreshStore;
  let store: Store;
  let handler: ReturnType<typeof createAdminHandler>;

  // Test code inspects arbitrary JSON; a loose type keeps the assertions readable.
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await handler(new Request(`http://admin${path}`, init));
    const text = await res.text();
    return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
  }

  const paths = (body: { error: { details?: { path: string }[] } }) => body.error.details?.map((d) => d.path).sort();

  beforeAll(async () => {
    db = await sqliteBackend.fresh();
    store = db.store;
    handler = createAdminHandler({ store, adminToken: TOKEN, policyKinds: kindLookup([STAMP, ONLY_ONE]) });
    await call("POST", "/admin/teams", { name: "core" });
    await call("POST", "/admin/services", { name: "orders", team_id: "core" });
    await call("POST", "/admin/routes", { name: "orders-api", service_id: "orders", paths: ["/orders"] });
    await call("POST", "/admin/applications", { name: "shop" });
  });
  afterAll(async () => {
    await db.dispose();
  });

  test("create stores the kind's parsed config (defaults filled in) and resolves the target by name", async () => {
    const created = await call("POST", "/admin/policies", { name: "route-limit", kind: "stamp", scope: "route", route_id: "orders-api", config: { limit: 3 } });
    expect(created.status).toBe(201);
    const route = await call("GET", "/admin/routes/orders-api");
    expect(created.body).toMatchObject({ name: "route-limit", kind: "stamp", scope: "route", route_id: route.body.id, enabled: true, config: { limit: 3, block: false } });
    expect((await call("GET", "/admin/policies/route-limit")).body.id).toBe(created.body.id);
    expect((await call("GET", `/admin/policies?route_id=orders-api`)).body.total).toBe(1);
  });

  test("config is checked against the kind's schema, with paths under config", async () => {
    const bad = await call("POST", "/admin/policies", { name: "bad", kind: "stamp", scope: "global", config: { limit: 0, extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    expect(paths(bad.body)).toEqual(["config.extra", "config.limit"]);
  });

  test("unknown kinds and mismatched scope targets are refused", async () => {
    const unknown = await call("POST", "/admin/policies", { name: "x", kind: "nope", scope: "global" });
    expect(unknown.status).toBe(400);
    expect(paths(unknown.body)).toEqual(["kind"]);
    const missing = await call("POST", "/admin/policies", { name: "x", kind: "stamp", scope: "service" });
    expect(paths(missing.body)).toEqual(["service_id"]);
    const extra = await call("POST", "/admin/policies", { name: "x", kind: "stamp", scope: "global", team_id: "core" });
    expect(paths(extra.body)).toEqual(["team_id"]);
    const badScope = await call("POST", "/admin/policies", { name: "x", kind: "stamp", scope: "planet" });
    expect(paths(badScope.body)).toEqual(["scope"]);
  });

  test("targets must exist; a target with policies attached cannot be deleted until they are", async () => {
    const dangling = await call("POST", "/admin/policies", { name: "x", kind: "stamp", scope: "application", application_id: "ghost" });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error.code).toBe("reference_not_found");
    expect((await call("POST", "/admin/policies", { name: "shop-cap", kind: "only_one", scope: "application", application_id: "shop" })).status).toBe(201);
    const blocked = await call("DELETE", "/admin/applications/shop");
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe("reference_conflict");
    expect((await call("DELETE", "/admin/policies/shop-cap")).status).toBe(200);
    expect((await call("DELETE", "/admin/applications/shop")).status).toBe(200);
  });

  test("a patch re-validates the merged config and can turn a policy off", async () => {
    const bad = await call("PATCH", "/admin/policies/route-limit", { config: { limit: -1 } });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(["config.limit"]);
    const off = await call("PATCH", "/admin/policies/route-limit", { enabled: false, config: { block: true } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, config: { limit: 3, block: true } });
  });

  test("the OpenAPI document lists the policies paths", async () => {
    const doc = await call("GET", "/admin/openapi.json");
    expect(Object.keys(doc.body.paths)).toContain("/admin/policies");
  });
});
