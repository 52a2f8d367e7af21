import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { applyConfig } from "../../src/config/file/apply.ts";
import { hashApiKey } from "../../src/core/keys.ts";
import type { Store } from "../../src/store/store.ts";
import { type TestDatabase, availableBackends } from "../store/backends.ts";
import { ENV, contents, failingAt, fixture, parse } from "./helpers.ts";

// Apply is all about transactions and reference checks, which each backend implements itself.
for (const backend of await availableBackends()) {
  describe(`applyConfig (${backend.name})`, () => {
    let db: TestDatabase;
    let store: Store;
    beforeEach(async () => {
      db = await backend.fresh();
      store = db.store;
    });
    afterEach(async () => {
      await db.dispose();
    });

    test("creates every entity with references resolved by name, in one revision", async () => {
      const before = await store.revision();
      const summary = await applyConfig(store, parse(fixture));
      expect(summary.changed).toBe(true);
      expect(summary.revision).toBe(before + 1);
      expect(summary.kinds).toEqual({
        teams: { created: 2, updated: 0, deleted: 0 },
        upstreams: { created: 2, updated: 0, deleted: 0 },
        services: { created: 2, updated: 0, deleted: 0 },
        routes: { created: 2, updated: 0, deleted: 0 },
        applications: { created: 1, updated: 0, deleted: 0 },
        credentials: { created: 2, updated: 0, deleted: 0 },
        subscriptions: { created: 2, updated: 0, deleted: 0 },
        providers: { created: 0, updated: 0, deleted: 0 },
        virtual_models: { created: 0, updated: 0, deleted: 0 },
        policies: { created: 0, updated: 0, deleted: 0 },
        model_overrides: { created: 0, updated: 0, deleted: 0 },
        prompt_apis: { created: 0, updated: 0, deleted: 0 },
      });
      const billing = await store.getByName("services", "billing");
      const maintenance = await store.getByName("services", "billing-maintenance");
      const upstream = await store.getByName("upstreams", "billing-api");
      expect(billing?.upstream_id).toBe(upstream!.id);
      expect(billing?.fallback_service_id).toBe(maintenance!.id);
      expect(upstream?.targets.map((t) => t.priority)).toEqual([0, 0, 1]);
      expect((await store.getByName("routes", "billing-invoices"))?.service_id).toBe(billing!.id);
      const creds = (await store.list("credentials")).items;
      expect(creds.find((c) => c.name === "primary")?.key_hash).toBe(hashApiKey(ENV.MOBILE_APP_KEY));
      expect(JSON.stringify(creds)).not.toContain(ENV.MOBILE_APP_KEY);
    });

    test("applying the same file again changes nothing and keeps the revision", async () => {
      await applyConfig(store, parse(fixture));
      const revision = await store.revision();
      const snapshot = await store.loadAll();
      const again = await applyConfig(store, parse(fixture));
      expect(again.changed).toBe(false);
      expect(again.operations).toEqual([]);
      expect(await store.revision()).toBe(revision);
      expect(await store.loadAll()).toEqual(snapshot);
    });

    test("updates only what changed, keeps ids, deletes what the file no longer has", async () => {
      await applyConfig(store, parse(fixture));
      const route = await store.getByName("routes", "billing-invoices");
      const untouched = await store.getByName("upstreams", "maintenance");
      const stray = await store.create("teams", { name: "made-by-hand", description: "" });

      const edited = fixture
        .replace("attempts: 3", "attempts: 4")
        .replace("        paths: [/invoices, /invoices/:id]", "        paths: [/invoices]")
        .replace(/      - name: billing-health[\s\S]*?priority: 10\n/, "")
        .replace(/      - name: legacy[\s\S]*?expires_at: "2030-01-01T00:00:00Z"\n/, "");
      const revision = await store.revision();
      const summary = await applyConfig(store, parse(edited));
      expect(summary.kinds.services).toEqual({ created: 0, updated: 1, deleted: 0 });
      expect(summary.kinds.routes).toEqual({ created: 0, updated: 1, deleted: 1 });
      expect(summary.kinds.credentials).toEqual({ created: 0, updated: 0, deleted: 1 });
      expect(summary.kinds.teams).toEqual({ created: 0, updated: 0, deleted: 1 });
      expect(summary.kinds.upstreams).toEqual({ created: 0, updated: 0, deleted: 0 });
      expect(await store.revision()).toBe(revision + 1);

      const after = await store.getByName("routes", "billing-invoices");
      expect(after?.id).toBe(route!.id);
      expect(after?.paths).toEqual(["/invoices"]);
      expect((await store.getByName("services", "billing"))?.retry.attempts).toBe(4);
      expect(await store.getByName("routes", "billing-health")).toBeNull();
      expect(await store.get("teams", stray.id)).toBeNull();
      expect(await store.getByName("upstreams", "maintenance")).toEqual(untouched);
    });

    test("reorders writes so references hold: repointing, moving routes, deleting fallback chains", async () => {
      const first = `version: 1
upstreams:
  - name: old-up
services:
  - name: a
    upstream: old-up
    fallback_service: b
    routes: [{name: r1, paths: [/r1]}]
  - name: b
    fallback_service: c
  - name: c
  - name: keep
`;
      await applyConfig(store, parse(first));
      const r1 = await store.getByName("routes", "r1");
      // a, b and c go away (a falls back to b, b to c); r1 moves to a new service that falls back to another new one.
      const second = `version: 1
upstreams:
  - name: new-up
services:
  - name: keep
    upstream: new-up
    routes: [{name: r1, paths: [/r1], fallback_service: z-new}]
  - name: y-new
    fallback_service: z-new
  - name: z-new
`;
      const summary = await applyConfig(store, parse(second));
      expect(summary.kinds.services).toEqual({ created: 2, updated: 1, deleted: 3 });
      expect(summary.kinds.upstreams).toEqual({ created: 1, updated: 0, deleted: 1 });
      const moved = await store.getByName("routes", "r1");
      expect(moved?.id).toBe(r1!.id);
      expect(moved?.service_id).toBe((await store.getByName("services", "keep"))!.id);
      expect((await store.list("services")).items.map((s) => s.name).sort()).toEqual(["keep", "y-new", "z-new"]);
    });

    test("services that fall back to each other (or themselves) are created, kept and deleted", async () => {
      const cyclic = `version: 1
services:
  - name: east
    fallback_service: west
  - name: west
    fallback_service: east
  - name: solo
    fallback_service: solo
`;
      const created = await applyConfig(store, parse(cyclic));
      expect(created.kinds.services).toEqual({ created: 3, updated: 0, deleted: 0 });
      const east = await store.getByName("services", "east");
      const west = await store.getByName("services", "west");
      expect(east?.fallback_service_id).toBe(west!.id);
      expect(west?.fallback_service_id).toBe(east!.id);
      expect((await store.getByName("services", "solo"))?.fallback_service_id).toBe((await store.getByName("services", "solo"))!.id);

      expect((await applyConfig(store, parse(cyclic))).changed).toBe(false);
      const gone = await applyConfig(store, parse("version: 1\n"));
      expect(gone.kinds.services).toEqual({ created: 0, updated: 0, deleted: 3 });
      expect((await store.list("services")).total).toBe(0);
    });

    test("a failing apply changes nothing", async () => {
      await applyConfig(store, parse("version: 1\nteams: [{name: existing}]\n"));
      const before = await contents(store);
      const revision = await store.revision();
      const broken = failingAt(store, (op, kind) => op === "create" && kind === "subscriptions");
      await expect(applyConfig(broken, parse(fixture))).rejects.toThrow("injected failure");
      expect(await contents(store)).toEqual(before);
      expect(await store.revision()).toBe(revision);
    });

    test("a dry run plans without writing", async () => {
      const summary = await applyConfig(store, parse(fixture), { dryRun: true });
      expect(summary.changed).toBe(false);
      expect(summary.kinds.routes.created).toBe(2);
      expect(summary.operations.map((o) => `${o.action} ${o.kind}`)).toContain("create subscriptions");
      expect((await store.list("teams")).total).toBe(0);
    });

    test("a key_hash credential keeps the prefix already stored for the same hash", async () => {
      const hash = hashApiKey("a-key-known-elsewhere-123");
      await store.create("applications", { name: "app", description: "" });
      const app = await store.getByName("applications", "app");
      await store.create("credentials", { name: "c", application_id: app!.id, kind: "api_key", enabled: true, key_hash: hash, key_prefix: "a-key-kno" });
      const summary = await applyConfig(store, parse(`version: 1\napplications:\n  - name: app\n    credentials: [{name: c, key_hash: ${hash}}]\n`));
      expect(summary.changed).toBe(false);
    });
  });
}
