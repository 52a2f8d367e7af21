/**
 * The admin API suite, run against every store backend: the API must behave
 * the same whichever database is behind it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hashApiKey } from "../../src/core/keys.ts";
import type { Store } from "../../src/store/store.ts";
import { type AdminServer, TOKEN, startAdmin } from "./fixture.ts";

export interface FreshStore {
  store: Store;
  /** Closes the store and removes its database. */
  dispose(): Promise<void>;
}

export function adminApiSuite(backend: string, fresh: () => Promise<FreshStore>): void {
  describe(`admin API (${backend})`, () => {
    let db: FreshStore;
    let store: Store;
    let api: AdminServer;
    const health = [{ upstream: "u", target: "http://10.0.0.1", healthy: true }];

    beforeAll(async () => {
      db = await fresh();
      store = db.store;
      api = startAdmin(store, () => health);
    });
    afterAll(async () => {
      await api.stop();
      await db.dispose();
    });

    test("CRUD for every kind, by id and by name", async () => {
      const team = await api.call("POST", "/admin/teams", { name: "payments" });
      expect(team.status).toBe(201);
      expect(team.body).toMatchObject({ name: "payments", description: "" });
      expect(typeof team.body.id).toBe("string");
      expect((await api.call("GET", "/admin/teams/payments")).body.id).toBe(team.body.id);
      expect((await api.call("GET", `/admin/teams/${team.body.id}`)).body.name).toBe("payments");

      const upstream = await api.call("POST", "/admin/upstreams", {
        name: "billing-up",
        team_id: "payments",
        targets: [{ url: "http://10.0.0.1:8080" }, { url: "http://10.0.0.2:8080", priority: 1 }],
      });
      expect(upstream.status).toBe(201);
      expect(upstream.body.team_id).toBe(team.body.id);
      expect(upstream.body.targets[0]).toEqual({ url: "http://10.0.0.1:8080", weight: 100, priority: 0 });
      expect(upstream.body.balancer.algorithm).toBe("round_robin");

      const service = await api.call("POST", "/admin/services", { name: "billing", upstream_id: upstream.body.id });
      expect(service.status).toBe(201);
      expect(service.body.retry.attempts).toBe(2);

      const route = await api.call("POST", "/admin/routes", { name: "billing-invoices", service_id: "billing", paths: ["/invoices"] });
      expect(route.status).toBe(201);
      expect(route.body.service_id).toBe(service.body.id);

      const app = await api.call("POST", "/admin/applications", { name: "mobile", team_id: team.body.id });
      expect(app.status).toBe(201);
      const cred = await api.call("POST", "/admin/credentials", { name: "primary", application_id: "mobile" });
      expect(cred.status).toBe(201);
      const sub = await api.call("POST", "/admin/subscriptions", { application_id: "mobile", service_id: "billing" });
      expect(sub.status).toBe(201);
      expect(sub.body).toMatchObject({ application_id: app.body.id, service_id: service.body.id, status: "approved" });

      // PUT replaces: fields left out go back to their defaults.
      await api.call("PATCH", "/admin/services/billing", { description: "invoices", retry: { attempts: 5 } });
      const replaced = await api.call("PUT", "/admin/services/billing", { name: "billing", upstream_id: "billing-up" });
      expect(replaced.status).toBe(200);
      expect(replaced.body.description).toBe("");
      expect(replaced.body.retry.attempts).toBe(2);
      expect(replaced.body.created_at).toBe(service.body.created_at);

      // PATCH merges nested objects and keeps what it does not mention; null removes an optional field.
      const patched = await api.call("PATCH", `/admin/upstreams/${upstream.body.id}`, { health_check: { enabled: true, path: "/ready" } });
      expect(patched.status).toBe(200);
      expect(patched.body.health_check).toMatchObject({ enabled: true, path: "/ready", interval_ms: 5000 });
      expect(patched.body.targets).toHaveLength(2);
      const detached = await api.call("PATCH", "/admin/upstreams/billing-up", { team_id: null }, { "content-type": "application/merge-patch+json" });
      expect(detached.status).toBe(200);
      expect(detached.body.team_id).toBeUndefined();

      const patchedRoute = await api.call("PATCH", "/admin/routes/billing-invoices", { methods: ["GET", "POST"] });
      expect(patchedRoute.body.methods).toEqual(["GET", "POST"]);
      expect(patchedRoute.body.paths).toEqual(["/invoices"]);

      const patchedSub = await api.call("PATCH", `/admin/subscriptions/${sub.body.id}`, { status: "revoked" });
      expect(patchedSub.body.status).toBe("revoked");
      const renamedTeam = await api.call("PUT", "/admin/teams/payments", { name: "payments-eu", description: "EU" });
      expect(renamedTeam.body).toMatchObject({ id: team.body.id, name: "payments-eu", description: "EU" });
      const patchedApp = await api.call("PATCH", "/admin/applications/mobile", { description: "iOS" });
      expect(patchedApp.body.description).toBe("iOS");
      const patchedCred = await api.call("PATCH", `/admin/credentials/${cred.body.id}`, { enabled: false });
      expect(patchedCred.body.enabled).toBe(false);

      // Delete dependants first, then what they pointed at; each is gone afterwards.
      for (const [kind, id] of [
        ["subscriptions", sub.body.id],
        ["credentials", cred.body.id],
        ["applications", "mobile"],
        ["routes", route.body.id],
        ["services", "billing"],
        ["upstreams", upstream.body.id],
        ["teams", "payments-eu"],
      ] as const) {
        const del = await api.call("DELETE", `/admin/${kind}/${id}`);
        expect(del.status).toBe(200);
        expect(del.body.deleted).toBe(true);
        expect((await api.call("GET", `/admin/${kind}/${id}`)).status).toBe(404);
      }
    });

    test("a caller-chosen id is kept; an invalid one is rejected", async () => {
      const ok = await api.call("POST", "/admin/teams", { id: "team-fixed-1", name: "fixed" });
      expect(ok.status).toBe(201);
      expect(ok.body.id).toBe("team-fixed-1");
      const bad = await api.call("POST", "/admin/teams", { id: "no spaces/allowed", name: "fixed2" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe("id");
      const moved = await api.call("PUT", "/admin/teams/fixed", { id: "other", name: "fixed" });
      expect(moved.status).toBe(400);
      await api.call("DELETE", "/admin/teams/fixed");
    });

    test("pagination walks every entity once", async () => {
      for (let i = 0; i < 25; i++) expect((await api.call("POST", "/admin/teams", { name: `page-team-${String(i).padStart(2, "0")}` })).status).toBe(201);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Awaited<ReturnType<AdminServer["call"]>> = await api.call("GET", `/admin/teams?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(25);
        expect(res.body.data.length).toBeLessThanOrEqual(10);
        seen.push(...res.body.data.map((t: { name: string }) => t.name));
        cursor = res.body.next;
        pages++;
      } while (cursor !== null);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(25);

      const filtered = await api.call("GET", "/admin/teams?name=page-team-07");
      expect(filtered.body.total).toBe(1);
      expect(filtered.body.data[0].name).toBe("page-team-07");
      expect((await api.call("GET", "/admin/teams?limit=0")).body.error.code).toBe("validation_failed");
      expect((await api.call("GET", "/admin/teams?colour=red")).body.error.code).toBe("bad_request");
      for (const t of seen) await api.call("DELETE", `/admin/teams/${t}`);
    });

    test("list filters on references accept ids or names", async () => {
      await api.call("POST", "/admin/services", { name: "svc-a" });
      await api.call("POST", "/admin/services", { name: "svc-b" });
      await api.call("POST", "/admin/routes", { name: "ra1", service_id: "svc-a", paths: ["/a1"] });
      await api.call("POST", "/admin/routes", { name: "ra2", service_id: "svc-a", paths: ["/a2"] });
      await api.call("POST", "/admin/routes", { name: "rb1", service_id: "svc-b", paths: ["/b1"] });
      const byName = await api.call("GET", "/admin/routes?service_id=svc-a");
      expect(byName.body.data.map((r: { name: string }) => r.name).sort()).toEqual(["ra1", "ra2"]);
      const svcB = await api.call("GET", "/admin/services/svc-b");
      const byId = await api.call("GET", `/admin/routes?service_id=${svcB.body.id}`);
      expect(byId.body.data.map((r: { name: string }) => r.name)).toEqual(["rb1"]);
      await api.call("DELETE", "/admin/services/svc-a");
      await api.call("DELETE", "/admin/services/svc-b");
      expect((await api.call("GET", "/admin/routes")).body.total).toBe(0);
    });

    test("validation errors name the field", async () => {
      const res = await api.call("POST", "/admin/upstreams", { name: "bad", targets: [{ url: "ftp://nope" }], surprise: 1 });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toContain("targets.0.url");
      expect(paths).toContain("surprise");

      const missing = await api.call("POST", "/admin/routes", { name: "r", service_id: "x" });
      expect(missing.body.error.details.map((d: { path: string }) => d.path)).toContain("paths");
      const notObject = await api.call("POST", "/admin/teams", [1, 2]);
      expect(notObject.body.error.code).toBe("validation_failed");
      const patch = await api.call("POST", "/admin/teams", { name: "vt" });
      const badPatch = await api.call("PATCH", `/admin/teams/${patch.body.id}`, { name: "has space" });
      expect(badPatch.status).toBe(400);
      expect(badPatch.body.error.details[0].path).toBe("name");
      expect((await api.call("GET", "/admin/teams/vt")).body.name).toBe("vt");
      await api.call("DELETE", "/admin/teams/vt");
    });

    test("malformed JSON, wrong content type, unknown ids and paths", async () => {
      const malformed = await api.call("POST", "/admin/teams", "{not json");
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe("bad_request");
      const wrongType = await api.call("POST", "/admin/teams", "name=x", { "content-type": "application/x-www-form-urlencoded" });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body.error.code).toBe("unsupported_media_type");
      const missing = await api.call("GET", "/admin/services/does-not-exist");
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe("not_found");
      expect((await api.call("PUT", "/admin/teams/nope", { name: "nope" })).status).toBe(404);
      expect((await api.call("PATCH", "/admin/teams/nope", { name: "nope" })).status).toBe(404);
      expect((await api.call("DELETE", "/admin/teams/nope")).status).toBe(404);
      expect((await api.call("GET", "/admin/widgets")).body.error.code).toBe("not_found");
      const notAllowed = await api.call("DELETE", "/admin/teams");
      expect(notAllowed.status).toBe(405);
      expect(notAllowed.headers.get("allow")).toBe("GET, POST");
    });

    test("store conflicts pass through as 409 with their codes", async () => {
      expect((await api.call("POST", "/admin/teams", { name: "dup" })).status).toBe(201);
      const dup = await api.call("POST", "/admin/teams", { name: "dup" });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe("conflict");

      await api.call("POST", "/admin/upstreams", { name: "shared-up" });
      await api.call("POST", "/admin/services", { name: "user-svc", upstream_id: "shared-up" });
      const referenced = await api.call("DELETE", "/admin/upstreams/shared-up");
      expect(referenced.status).toBe(409);
      expect(referenced.body.error.code).toBe("reference_conflict");
      expect((await api.call("GET", "/admin/upstreams/shared-up")).status).toBe(200);

      const dangling = await api.call("POST", "/admin/routes", { name: "dangling", service_id: "no-such-service", paths: ["/x"] });
      expect(dangling.status).toBe(400);
      expect(dangling.body.error.code).toBe("reference_not_found");

      await api.call("DELETE", "/admin/services/user-svc");
      await api.call("DELETE", "/admin/upstreams/shared-up");
      await api.call("DELETE", "/admin/teams/dup");
    });

    test("authentication: bearer or x-admin-token, anything else is 401", async () => {
      const anon = await fetch(`${api.url}/admin/teams`);
      expect(anon.status).toBe(401);
      expect(((await anon.json()) as { error: { code: string } }).error.code).toBe("admin_unauthorized");
      const wrong = await fetch(`${api.url}/admin/teams`, { headers: { authorization: "Bearer wrong-token" } });
      expect(wrong.status).toBe(401);
      const prefix = await fetch(`${api.url}/admin/teams`, { headers: { "x-admin-token": TOKEN.slice(0, -1) } });
      expect(prefix.status).toBe(401);
      const viaHeader = await fetch(`${api.url}/admin/teams`, { headers: { "x-admin-token": TOKEN } });
      expect(viaHeader.status).toBe(200);
      const unknownPath = await fetch(`${api.url}/admin/nothing-here`);
      expect(unknownPath.status).toBe(401);
    });

    test("a credential's key is shown once and never again", async () => {
      await api.call("POST", "/admin/applications", { name: "keyapp" });
      const created = await api.call("POST", "/admin/credentials", { name: "k1", application_id: "keyapp" });
      expect(created.status).toBe(201);
      const key: string = created.body.key;
      expect(key.startsWith("wg_")).toBe(true);
      expect(created.body.key_hash).toBeUndefined();
      expect(key.startsWith(created.body.key_prefix)).toBe(true);

      const stored = await store.get("credentials", created.body.id);
      expect(stored?.key_hash).toBe(hashApiKey(key));
      expect(JSON.stringify(stored)).not.toContain(key);

      const reads = [
        await api.call("GET", `/admin/credentials/${created.body.id}`),
        await api.call("GET", "/admin/credentials?application_id=keyapp"),
        await api.call("PATCH", `/admin/credentials/${created.body.id}`, { enabled: false }),
        await api.call("PUT", `/admin/credentials/${created.body.id}`, { name: "k1", application_id: "keyapp" }),
      ];
      for (const r of reads) {
        expect(r.status).toBe(200);
        expect(JSON.stringify(r.body)).not.toContain(key);
        expect(JSON.stringify(r.body)).not.toContain("key_hash");
      }
      // Updates without a key keep it; with one, the key is rotated.
      expect((await store.get("credentials", created.body.id))?.key_hash).toBe(hashApiKey(key));
      const rotated = "rotated-key-0123456789abcdef";
      const put = await api.call("PUT", `/admin/credentials/${created.body.id}`, { name: "k1", application_id: "keyapp", key: rotated });
      expect(put.body.key).toBeUndefined();
      expect((await store.get("credentials", created.body.id))?.key_hash).toBe(hashApiKey(rotated));

      const given = await api.call("POST", "/admin/credentials", { name: "k2", application_id: "keyapp", key: "my-own-key-0123456789" });
      expect(given.body.key).toBe("my-own-key-0123456789");
      const sameKey = await api.call("POST", "/admin/credentials", { name: "k3", application_id: "keyapp", key: "my-own-key-0123456789" });
      expect(sameKey.status).toBe(409);
      await api.call("DELETE", "/admin/applications/keyapp");
      expect((await api.call("GET", "/admin/credentials")).body.total).toBe(0);
    });

    test("status, target health and the OpenAPI document", async () => {
      const status = await api.call("GET", "/admin/status");
      expect(status.body).toMatchObject({ dialect: store.dialect });
      expect(status.body.revision).toBe(await store.revision());
      expect(typeof status.body.version).toBe("string");
      expect((await api.call("GET", "/admin/health/targets")).body).toEqual(health);

      const res = await fetch(`${api.url}/admin/openapi.json`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as any;
      expect(doc.openapi).toBe("3.1.0");
      expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
      for (const kind of ["teams", "upstreams", "services", "routes", "applications", "credentials", "subscriptions"]) {
        expect(Object.keys(doc.paths[`/admin/${kind}`]).sort()).toEqual(["get", "post"]);
        expect(Object.keys(doc.paths[`/admin/${kind}/{id}`]).sort()).toEqual(["delete", "get", "parameters", "patch", "put"]);
      }
      for (const p of ["/admin/status", "/admin/health/targets", "/admin/openapi.json"]) expect(doc.paths[p].get).toBeDefined();
      expect(doc.paths["/admin/openapi.json"].get.security).toEqual([]);
      expect(doc.components.schemas.UpstreamInput.properties.targets.items.properties.url).toBeDefined();
      expect(doc.components.schemas.Credential.properties.key_hash).toBeUndefined();
      // Every $ref points at something the document defines.
      const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/[^"]+"/g) ?? [];
      expect(refs.length).toBeGreaterThan(50);
      for (const r of new Set(refs)) {
        const [, section, name] = /#\/components\/(\w+)\/(\w+)/.exec(r) ?? [];
        expect(doc.components[section!]?.[name!]).toBeDefined();
      }
    });
  });
}
