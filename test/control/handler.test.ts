import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { createAdminHandler } from "../../src/control/handler.ts";
import { hashApiKey } from "../../src/core/keys.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";

let store: Store;
beforeAll(async () => {
  store = await openStore("sqlite::memory:");
});
afterAll(async () => {
  await store.close();
});

const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://admin.test${path}`, { headers });

test("an unexpected failure is a 500 internal_error without a stack trace, logged to stderr", async () => {
  const failing = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "list") return () => Promise.reject(new Error("disk on fire at /var/lib/secret.db"));
      return Reflect.get(target, prop, receiver);
    },
  });
  const handler = createAdminHandler({ store: failing, adminToken: "t0ken-t0ken-t0ken" });
  const logged = spyOn(console, "error").mockImplementation(() => {});
  try {
    const res = await handler(get("/admin/teams", { authorization: "Bearer t0ken-t0ken-t0ken" }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("internal_error");
    expect(text).not.toContain("disk on fire");
    expect(text).not.toContain("at ");
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[1])).toContain("disk on fire");
  } finally {
    logged.mockRestore();
  }
});

test("a token configured only as its SHA-256 authenticates the token", async () => {
  const handler = createAdminHandler({ store, adminToken: { kind: "sha256", hash: hashApiKey("hashed-admin-token") } });
  expect((await handler(get("/admin/status", { "x-admin-token": "hashed-admin-token" }))).status).toBe(200);
  expect((await handler(get("/admin/status", { "x-admin-token": hashApiKey("hashed-admin-token") }))).status).toBe(401);
});

test("an empty configured token locks the API instead of opening it", async () => {
  const handler = createAdminHandler({ store, adminToken: "" });
  expect((await handler(get("/admin/status"))).status).toBe(401);
  expect((await handler(get("/admin/status", { authorization: "Bearer " }))).status).toBe(401);
  expect((await handler(get("/admin/openapi.json"))).status).toBe(200);
});

test("every response is JSON, including errors for paths outside /admin", async () => {
  const handler = createAdminHandler({ store, adminToken: "tok-tok-tok-tok" });
  const auth = { authorization: "Bearer tok-tok-tok-tok" };
  const cases: [string, number][] = [
    ["/admin/status", 200],
    ["/elsewhere", 404],
    ["/admin/teams/%E0%A4%A", 400],
  ];
  for (const [path, status] of cases) {
    const res = await handler(get(path, auth));
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(typeof JSON.parse(await res.text())).toBe("object");
  }
});
