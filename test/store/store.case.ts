/**
 * The one test suite every Store implementation must pass, in the manner of
 * Hono's router common.case.test.ts: each backend's test file calls
 * runStoreSuite with its backend.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { EntityMap, Kind } from "../../src/config/entities.ts";
import { KINDS } from "../../src/config/entities.ts";
import type { ErrorCode } from "../../src/core/errors.ts";
import { WaygateError } from "../../src/core/errors.ts";
import type { EntityData, Store } from "../../src/store/store.ts";
import type { Backend, TestDatabase } from "./backends.ts";
import {
  applicationData,
  credentialData,
  modelOverrideData,
  policyData,
  providerData,
  routeData,
  serviceData,
  subscriptionData,
  teamData,
  upstreamData,
  virtualModelData,
} from "./fixtures.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SCRIPTS = join(import.meta.dir, "scripts");

async function failure(promise: Promise<unknown>, code: ErrorCode): Promise<WaygateError> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof WaygateError)) throw err;
    expect(err.code).toBe(code);
    return err;
  }
  throw new Error(`expected a ${code} error, but the call succeeded`);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first revision reported at or after `atLeast`. */
function revisionAtLeast(reported: number[], atLeast: number): Promise<number> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const hit = reported.find((r) => r >= atLeast);
      if (hit !== undefined) {
        clearInterval(poll);
        resolve(hit);
      }
    }, 5);
  });
}

async function runScript(script: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string }> {
  const child = Bun.spawn([process.execPath, join(SCRIPTS, script), ...args], { stdout: "pipe", stderr: "inherit" });
  const timer = setTimeout(() => child.kill(), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  return { code: child.signalCode ? null : code, stdout: await new Response(child.stdout).text() };
}

/** A service with every kind of entity around it. */
async function seedGraph(store: Store) {
  const team = await store.create("teams", teamData("core"));
  const upstream = await store.create("upstreams", upstreamData("backend", { team_id: team.id }));
  const service = await store.create("services", serviceData("orders", { team_id: team.id, upstream_id: upstream.id }));
  const route = await store.create("routes", routeData("orders-api", service.id));
  const application = await store.create("applications", applicationData("shop", { team_id: team.id }));
  const credential = await store.create("credentials", credentialData("default", application.id));
  const subscription = await store.create("subscriptions", subscriptionData(application.id, service.id));
  return { team, upstream, service, route, application, credential, subscription };
}

export function runStoreSuite(backend: Backend): void {
  describe(`store (${backend.name})`, () => {
    let db: TestDatabase;
    let store: Store;

    beforeEach(async () => {
      db = await backend.fresh();
      store = db.store;
    });

    afterEach(async () => {
      await db.dispose();
    });

    test("reports its dialect and starts empty at revision 0", async () => {
      expect(store.dialect).toBe(backend.name);
      expect(await store.revision()).toBe(0);
      const all = await store.loadAll();
      for (const kind of KINDS) expect(all[kind]).toEqual([]);
    });

    // ------------------------------------------------------------ CRUD

    function crud<K extends Kind>(
      kind: K,
      make: (s: Store, name: string) => Promise<EntityData<K>>,
      change: (data: EntityData<K>) => EntityData<K>,
      named: boolean,
    ): void {
      test(`CRUD ${kind}`, async () => {
        const data = await make(store, "first");
        const created = await store.create(kind, data);
        expect(created.id).toMatch(UUID);
        expect(new Date(created.created_at).toISOString()).toBe(created.created_at);
        expect(created.updated_at).toBe(created.created_at);
        expect(created).toEqual({ ...data, id: created.id, created_at: created.created_at, updated_at: created.updated_at } as EntityMap[K]);

        expect(await store.get(kind, created.id)).toEqual(created);
        if (named) expect(await store.getByName(kind, (data as unknown as { name: string }).name)).toEqual(created);
        expect((await store.list(kind)).items).toEqual([created]);

        const chosen = await store.create(kind, await make(store, "second"), "my-own-id");
        expect(chosen.id).toBe("my-own-id");
        expect(await store.get(kind, "my-own-id")).toEqual(chosen);

        await Bun.sleep(2);
        const changed = change(data);
        const updated = await store.update(kind, created.id, changed);
        expect(updated).toEqual({ ...changed, id: created.id, created_at: created.created_at, updated_at: updated.updated_at } as EntityMap[K]);
        expect(updated.updated_at > created.updated_at).toBe(true);
        expect(await store.get(kind, created.id)).toEqual(updated);

        await store.delete(kind, created.id);
        expect(await store.get(kind, created.id)).toBeNull();
        expect((await store.list(kind)).items.map((e) => e.id)).toEqual(["my-own-id"]);
      });
    }

    crud("teams", async (_s, name) => teamData(name), (d) => ({ ...d, description: "changed" }), true);
    crud(
      "upstreams",
      async (s, name) => upstreamData(name, { team_id: (await s.create("teams", teamData(`team-${name}`))).id }),
      (d) => ({ ...d, targets: [{ url: "http://127.0.0.1:10", weight: 5, priority: 1 }], team_id: undefined }),
      true,
    );
    crud(
      "services",
      async (s, name) => serviceData(name, { upstream_id: (await s.create("upstreams", upstreamData(`up-${name}`))).id }),
      (d) => ({ ...d, base_path: "/v2", enabled: false }),
      true,
    );
    crud(
      "routes",
      async (s, name) => routeData(name, (await s.create("services", serviceData(`svc-${name}`))).id),
      (d): EntityData<"routes"> => ({ ...d, methods: ["GET"], priority: 7 }),
      true,
    );
    crud("applications", async (_s, name) => applicationData(name), (d) => ({ ...d, description: "changed" }), true);
    crud(
      "credentials",
      async (s, name) => credentialData(name, (await s.create("applications", applicationData(`app-${name}`))).id),
      (d) => ({ ...d, enabled: false, expires_at: "2030-01-01T00:00:00.000Z" }),
      false,
    );
    crud(
      "subscriptions",
      async (s, name) =>
        subscriptionData(
          (await s.create("applications", applicationData(`app-${name}`))).id,
          (await s.create("services", serviceData(`svc-${name}`))).id,
        ),
      (d): EntityData<"subscriptions"> => ({ ...d, status: "revoked" }),
      false,
    );

    crud(
      "providers",
      async (s, name) => providerData(name, { team_id: (await s.create("teams", teamData(`team-${name}`))).id }),
      (d) => ({ ...d, base_url: "https://gateway.example/v1", keys: [...d.keys, { name: "second", weight: 5, enabled: false }] }),
      true,
    );
    crud(
      "virtual_models",
      async (s, name) => virtualModelData(`chat/${name}:latest`, { team_id: (await s.create("teams", teamData(`team-${name}`))).id }),
      (d): EntityData<"virtual_models"> => ({ ...d, route: { type: "target", provider: "openai-main", model: "gpt-4o-mini" }, team_id: undefined }),
      true,
    );
    crud("model_overrides", async (_s, name) => modelOverrideData(`openai/${name}`), (d) => ({ ...d, context_window: 64_000 }), true);

    test("AI kinds: names are unique, teams are references, loadAll returns them", async () => {
      const team = await store.create("teams", teamData("ml"));
      const provider = await store.create("providers", providerData("openai-main", { team_id: team.id }));
      const model = await store.create("virtual_models", virtualModelData("chat-default", { team_id: team.id }));
      const override = await store.create("model_overrides", modelOverrideData("openai/gpt-4o"));
      await failure(store.create("providers", providerData("openai-main")), "conflict");
      await failure(store.create("virtual_models", virtualModelData("chat-default")), "conflict");
      await failure(store.create("model_overrides", modelOverrideData("openai/gpt-4o")), "conflict");
      await failure(store.create("providers", providerData("other", { team_id: "no-such-team" })), "reference_not_found");
      const blocked = await failure(store.delete("teams", team.id), "reference_conflict");
      expect(blocked.details?.map((d) => d.path).sort()).toEqual(["providers.team_id", "virtual_models.team_id"]);
      expect(await store.getByName("virtual_models", "chat-default")).toEqual(model);
      const all = await store.loadAll();
      expect(all.providers).toEqual([provider]);
      expect(all.virtual_models).toEqual([model]);
      expect(all.model_overrides).toEqual([override]);
      expect((await store.list("providers", { where: { kind: "openai" } })).items).toEqual([provider]);
      expect((await store.list("providers", { where: { team_id: team.id } })).total).toBe(1);
    });

    crud(
      "policies",
      async (s, name) => policyData(name, { scope: "team", team_id: (await s.create("teams", teamData(`team-${name}`))).id }),
      (d) => ({ ...d, config: { limit: 9, window: "1m" }, enabled: false }),
      true,
    );

    test("policies: every scope target is a reference that blocks deletes; loadAll returns them", async () => {
      const g = await seedGraph(store);
      const global = await store.create("policies", policyData("everyone"));
      const byTeam = await store.create("policies", policyData("team-limit", { scope: "team", team_id: g.team.id }));
      const byService = await store.create("policies", policyData("svc-limit", { scope: "service", service_id: g.service.id }));
      const byRoute = await store.create("policies", policyData("route-limit", { scope: "route", route_id: g.route.id }));
      const byApp = await store.create("policies", policyData("app-limit", { scope: "application", application_id: g.application.id }));
      await failure(store.create("policies", policyData("everyone")), "conflict");
      for (const field of ["team_id", "service_id", "route_id", "application_id"] as const) {
        await failure(store.create("policies", policyData(`dangling-${field}`, { [field]: "no-such-id" })), "reference_not_found");
      }
      const routeBlocked = await failure(store.delete("routes", g.route.id), "reference_conflict");
      expect(routeBlocked.details?.map((d) => d.path)).toEqual(["policies.route_id"]);
      await failure(store.delete("applications", g.application.id), "reference_conflict");
      await failure(store.delete("teams", g.team.id), "reference_conflict");
      expect((await store.list("policies", { where: { service_id: g.service.id } })).items).toEqual([byService]);
      expect((await store.loadAll()).policies).toEqual([global, byTeam, byService, byRoute, byApp]);
      await store.delete("policies", byRoute.id);
      await store.delete("routes", g.route.id);
      expect(await store.get("routes", g.route.id)).toBeNull();
    });

    test("an absent optional reference reads back absent", async () => {
      const upstream = await store.create("upstreams", upstreamData("plain"));
      expect("team_id" in upstream).toBe(false);
      const read = await store.get("upstreams", upstream.id);
      expect(read && "team_id" in read).toBe(false);
    });

    test("get, update and delete of a missing id", async () => {
      expect(await store.get("teams", "nope")).toBeNull();
      expect(await store.getByName("teams", "nope")).toBeNull();
      const err = await failure(store.update("teams", "nope", teamData("x")), "not_found");
      expect(err.status).toBe(404);
      await failure(store.delete("teams", "nope"), "not_found");
      expect(await store.revision()).toBe(0);
    });

    test("getByName is refused for kinds without a unique name", async () => {
      await failure(store.getByName("subscriptions", "x"), "validation_failed");
    });

    test("a required column that is missing is a validation failure, not a crash", async () => {
      const data = { ...routeData("r", "x"), service_id: undefined } as unknown as EntityData<"routes">;
      await failure(store.create("routes", data), "validation_failed");
    });

    // ------------------------------------------------------------ uniqueness

    test("unique names conflict on create and update", async () => {
      const a = await store.create("teams", teamData("alpha"));
      const b = await store.create("teams", teamData("beta"));
      const err = await failure(store.create("teams", teamData("alpha")), "conflict");
      expect(err.status).toBe(409);
      expect(err.details).toEqual([{ path: "name", message: expect.any(String) }]);
      await failure(store.update("teams", b.id, teamData("alpha")), "conflict");
      // Keeping its own name is no conflict.
      await store.update("teams", a.id, teamData("alpha", { description: "same name" }));
      expect((await store.list("teams")).total).toBe(2);
    });

    test("a caller-chosen id that exists conflicts", async () => {
      await store.create("teams", teamData("a"), "fixed");
      const err = await failure(store.create("teams", teamData("b"), "fixed"), "conflict");
      expect(err.details?.[0]?.path).toBe("id");
    });

    test("composite and secondary unique keys", async () => {
      const one = await store.create("applications", applicationData("one"));
      const two = await store.create("applications", applicationData("two"));
      const cred = await store.create("credentials", credentialData("default", one.id));
      await store.create("credentials", credentialData("default", two.id));
      const err = await failure(store.create("credentials", credentialData("default", one.id)), "conflict");
      expect(err.details?.map((d) => d.path)).toEqual(["application_id", "name"]);
      const hash = await failure(store.create("credentials", credentialData("other", one.id, { key_hash: cred.key_hash })), "conflict");
      expect(hash.details?.map((d) => d.path)).toEqual(["key_hash"]);

      const service = await store.create("services", serviceData("svc"));
      await store.create("subscriptions", subscriptionData(one.id, service.id));
      await store.create("subscriptions", subscriptionData(two.id, service.id));
      await failure(store.create("subscriptions", subscriptionData(one.id, service.id, { status: "pending" })), "conflict");
    });

    test("concurrent creates of one name: exactly one wins", async () => {
      const results = await Promise.allSettled([1, 2, 3].map(() => store.create("teams", teamData("race"))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) {
        if (r.status === "rejected") expect((r.reason as WaygateError).code).toBe("conflict");
      }
      expect(await store.revision()).toBe(1);
    });

    // ------------------------------------------------------------ references

    test("a reference to nothing is reference_not_found, with the field", async () => {
      const err = await failure(store.create("upstreams", upstreamData("u", { team_id: "ghost" })), "reference_not_found");
      expect(err.status).toBe(400);
      expect(err.details).toEqual([{ path: "team_id", message: expect.stringContaining("ghost") }]);

      const service = await store.create("services", serviceData("svc"));
      const both = await failure(
        store.create("services", serviceData("svc2", { upstream_id: "ghost-up", fallback_service_id: "ghost-svc" })),
        "reference_not_found",
      );
      expect(both.details?.map((d) => d.path).sort()).toEqual(["fallback_service_id", "upstream_id"]);
      await failure(store.create("routes", routeData("r", "ghost")), "reference_not_found");
      await failure(store.create("routes", routeData("r", service.id, { fallback_service_id: "ghost" })), "reference_not_found");
      await failure(store.update("services", service.id, serviceData("svc", { fallback_service_id: "ghost" })), "reference_not_found");
      await failure(store.create("subscriptions", subscriptionData("ghost", service.id)), "reference_not_found");
      expect(await store.revision()).toBe(1);
    });

    test("services.fallback_service_id points at services, routes.fallback_service_id too", async () => {
      const primary = await store.create("services", serviceData("primary"));
      const backup = await store.create("services", serviceData("backup"));
      const withFallback = await store.update("services", primary.id, serviceData("primary", { fallback_service_id: backup.id }));
      expect(withFallback.fallback_service_id).toBe(backup.id);
      const route = await store.create("routes", routeData("r", primary.id, { fallback_service_id: backup.id }));
      expect(route.fallback_service_id).toBe(backup.id);
      const self = await store.create("services", serviceData("self", { fallback_service_id: "self-id" }), "self-id");
      expect(self.fallback_service_id).toBe("self-id");
    });

    test("deleting something still referenced is reference_conflict", async () => {
      const g = await seedGraph(store);
      const rev = await store.revision();
      const team = await failure(store.delete("teams", g.team.id), "reference_conflict");
      expect(team.status).toBe(409);
      expect(team.details?.map((d) => d.path).sort()).toEqual(["applications.team_id", "services.team_id", "upstreams.team_id"]);
      await failure(store.delete("upstreams", g.upstream.id), "reference_conflict");

      const other = await store.create("services", serviceData("other"));
      await store.update("services", other.id, serviceData("other", { fallback_service_id: g.service.id }));
      const fallback = await failure(store.delete("services", g.service.id), "reference_conflict");
      expect(fallback.details).toEqual([{ path: "services.fallback_service_id", message: expect.stringContaining(other.id) }]);
      await store.update("services", other.id, serviceData("other"));

      // A route of another service falling back to this one blocks too: it is not this service's route.
      await store.create("routes", routeData("other-route", other.id, { fallback_service_id: g.service.id }));
      const routeFallback = await failure(store.delete("services", g.service.id), "reference_conflict");
      expect(routeFallback.details?.map((d) => d.path)).toEqual(["routes.fallback_service_id"]);

      expect(await store.get("services", g.service.id)).not.toBeNull();
      expect(await store.get("routes", g.route.id)).not.toBeNull();
      expect(await store.revision()).toBe(rev + 4);
    });

    test("a service's own references to itself do not block its delete", async () => {
      const svc = await store.create("services", serviceData("loop", { fallback_service_id: "loop-id" }), "loop-id");
      await store.create("routes", routeData("loop-route", svc.id, { fallback_service_id: svc.id }));
      await store.delete("services", svc.id);
      expect((await store.loadAll()).routes).toEqual([]);
    });

    // ------------------------------------------------------------ cascades

    test("deleting an application deletes its credentials and subscriptions", async () => {
      const g = await seedGraph(store);
      const keep = await store.create("applications", applicationData("keep"));
      const kept = await store.create("credentials", credentialData("default", keep.id));
      const rev = await store.revision();
      await store.delete("applications", g.application.id);
      expect(await store.revision()).toBe(rev + 1);
      const all = await store.loadAll();
      expect(all.applications.map((a) => a.id)).toEqual([keep.id]);
      expect(all.credentials.map((c) => c.id)).toEqual([kept.id]);
      expect(all.subscriptions).toEqual([]);
      expect(all.services.map((s) => s.id)).toEqual([g.service.id]);
    });

    test("deleting a service deletes its routes and subscriptions", async () => {
      const g = await seedGraph(store);
      await store.create("routes", routeData("orders-admin", g.service.id));
      const other = await store.create("services", serviceData("other"));
      const otherRoute = await store.create("routes", routeData("other-route", other.id));
      await store.delete("services", g.service.id);
      const all = await store.loadAll();
      expect(all.services.map((s) => s.id)).toEqual([other.id]);
      expect(all.routes.map((r) => r.id)).toEqual([otherRoute.id]);
      expect(all.subscriptions).toEqual([]);
      expect(all.applications).toHaveLength(1);
      expect(all.credentials).toHaveLength(1);
      // With the service gone, nothing holds the upstream or (after the application) the team.
      await store.delete("upstreams", g.upstream.id);
      await store.delete("applications", g.application.id);
      await store.delete("teams", g.team.id);
      expect((await store.loadAll()).teams).toEqual([]);
    });

    // ------------------------------------------------------------ list

    test("a cursor walk over several pages returns every item exactly once, in creation order", async () => {
      const created: string[] = [];
      for (let i = 0; i < 25; i++) created.push((await store.create("teams", teamData(`t${i}`))).id);
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list("teams", { limit: 7, ...(cursor ? { cursor } : {}) });
        expect(page.total).toBe(25);
        sizes.push(page.items.length);
        seen.push(...page.items.map((t) => t.id));
        cursor = page.next;
      } while (cursor);
      expect(sizes).toEqual([7, 7, 7, 4]);
      expect(seen).toEqual(created);
    });

    test("a cursor walk is stable under inserts and deletes", async () => {
      const original: string[] = [];
      for (let i = 0; i < 12; i++) original.push((await store.create("teams", teamData(`t${i}`))).id);
      const seen: string[] = [];
      let page = await store.list("teams", { limit: 5 });
      seen.push(...page.items.map((t) => t.id));
      await store.create("teams", teamData("late-1"));
      await store.delete("teams", original[0] ?? "");
      await store.create("teams", teamData("late-2"));
      while (page.next) {
        page = await store.list("teams", { limit: 5, cursor: page.next });
        seen.push(...page.items.map((t) => t.id));
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of original) expect(seen).toContain(id);
      expect(seen).toHaveLength(14);
    });

    test("limit defaults to 100 and is clamped to 1..1000", async () => {
      await store.transaction(async (tx) => {
        for (let i = 0; i < 105; i++) await tx.create("teams", teamData(`t${i}`));
      });
      const first = await store.list("teams");
      expect(first.items).toHaveLength(100);
      expect(first.total).toBe(105);
      expect(first.next).toBeString();
      const rest = await store.list("teams", { cursor: first.next ?? "" });
      expect(rest.items).toHaveLength(5);
      expect(rest.next).toBeUndefined();
      expect((await store.list("teams", { limit: 5000 })).items).toHaveLength(105);
      expect((await store.list("teams", { limit: 0 })).items).toHaveLength(1);
    });

    test("a malformed cursor is a validation failure", async () => {
      await failure(store.list("teams", { cursor: "not-a-cursor" }), "validation_failed");
    });

    test("where filters on reference columns, names and document fields", async () => {
      const a = await store.create("services", serviceData("a"));
      const b = await store.create("services", serviceData("b"));
      const r1 = await store.create("routes", routeData("r1", a.id));
      const r2 = await store.create("routes", routeData("r2", a.id, { strip_path: true }));
      const r3 = await store.create("routes", routeData("r3", b.id));

      const ofA = await store.list("routes", { where: { service_id: a.id } });
      expect(ofA.items.map((r) => r.id)).toEqual([r1.id, r2.id]);
      expect(ofA.total).toBe(2);
      expect((await store.list("routes", { where: { name: "r3" } })).items.map((r) => r.id)).toEqual([r3.id]);
      expect((await store.list("routes", { where: { service_id: a.id, name: "r3" } })).total).toBe(0);
      expect((await store.list("routes", { where: { id: r2.id } })).items.map((r) => r.id)).toEqual([r2.id]);
      expect((await store.list("routes", { where: { strip_path: "true" } })).items.map((r) => r.id)).toEqual([r2.id]);
      expect((await store.list("routes", { where: { priority: "0" } })).total).toBe(3);

      const app = await store.create("applications", applicationData("app"));
      await store.create("subscriptions", subscriptionData(app.id, a.id, { status: "pending" }));
      await store.create("subscriptions", subscriptionData(app.id, b.id));
      const pending = await store.list("subscriptions", { where: { status: "pending" } });
      expect(pending.items.map((s) => s.service_id)).toEqual([a.id]);

      const walk: string[] = [];
      let page = await store.list("routes", { where: { service_id: a.id }, limit: 1 });
      walk.push(...page.items.map((r) => r.id));
      while (page.next) {
        expect(page.total).toBe(2);
        page = await store.list("routes", { where: { service_id: a.id }, limit: 1, cursor: page.next });
        walk.push(...page.items.map((r) => r.id));
      }
      expect(walk).toEqual([r1.id, r2.id]);

      await failure(store.list("routes", { where: { "name; DROP TABLE routes": "x" } }), "validation_failed");
    });

    // ------------------------------------------------------------ revision and transactions

    test("every committed write bumps the revision once; reads and failures do not", async () => {
      expect(await store.revision()).toBe(0);
      const team = await store.create("teams", teamData("a"));
      expect(await store.revision()).toBe(1);
      await store.update("teams", team.id, teamData("a", { description: "x" }));
      expect(await store.revision()).toBe(2);
      await failure(store.create("teams", teamData("a")), "conflict");
      await store.list("teams");
      await store.loadAll();
      expect(await store.revision()).toBe(2);
      await store.delete("teams", team.id);
      expect(await store.revision()).toBe(3);
    });

    test("a transaction with several writes bumps the revision once", async () => {
      const result = await store.transaction(async (tx) => {
        const team = await tx.create("teams", teamData("t"));
        const app = await tx.create("applications", applicationData("a", { team_id: team.id }));
        await tx.create("credentials", credentialData("c", app.id));
        expect(await tx.get("teams", team.id)).toEqual(team);
        expect((await tx.list("applications")).total).toBe(1);
        return app.id;
      });
      expect(await store.revision()).toBe(1);
      expect((await store.get("applications", result))?.name).toBe("a");
      await store.transaction(async (tx) => tx.list("teams"));
      expect(await store.revision()).toBe(1);
    });

    test("a transaction that throws writes nothing and keeps the revision", async () => {
      await store.create("teams", teamData("before"));
      const boom = new Error("boom");
      const attempt = store.transaction(async (tx) => {
        await tx.create("teams", teamData("inside"));
        // The store itself, used inside fn, belongs to the same transaction.
        await store.create("teams", teamData("inside-too"));
        expect(await store.getByName("teams", "inside")).not.toBeNull();
        throw boom;
      });
      await expect(attempt).rejects.toBe(boom);
      expect(await store.getByName("teams", "inside")).toBeNull();
      expect(await store.getByName("teams", "inside-too")).toBeNull();
      expect(await store.revision()).toBe(1);
      expect((await store.list("teams")).total).toBe(1);
    });

    test("a transaction survives an error it caught", async () => {
      await store.transaction(async (tx) => {
        await tx.create("teams", teamData("x"));
        await failure(tx.create("teams", teamData("x")), "conflict");
        await failure(tx.create("upstreams", upstreamData("u", { team_id: "ghost" })), "reference_not_found");
        await tx.create("teams", teamData("y"));
      });
      expect((await store.list("teams")).items.map((t) => t.name)).toEqual(["x", "y"]);
      expect(await store.revision()).toBe(1);
    });

    test("concurrent writes through one store are all kept", async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.create("teams", teamData(`p${i}`))));
      await Promise.all([
        store.transaction(async (tx) => {
          await tx.create("teams", teamData("tx-a"));
          await Bun.sleep(5);
          await tx.create("teams", teamData("tx-b"));
        }),
        store.create("teams", teamData("outside")),
      ]);
      expect((await store.list("teams")).total).toBe(23);
      expect(await store.revision()).toBe(22);
    });

    test("loadAll returns everything at one revision, even while another process writes", async () => {
      const g = await seedGraph(store);
      const all = await store.loadAll();
      expect(all.revision).toBe(7);
      expect(all.teams).toEqual([g.team]);
      expect(all.upstreams).toEqual([g.upstream]);
      expect(all.services).toEqual([g.service]);
      expect(all.routes).toEqual([g.route]);
      expect(all.applications).toEqual([g.application]);
      expect(all.credentials).toEqual([g.credential]);
      expect(all.subscriptions).toEqual([g.subscription]);

      // Each write of the other process adds one team and one revision, so a
      // consistent read always has teams = revision - 6.
      const writer = Bun.spawn([process.execPath, join(SCRIPTS, "write-team.ts"), db.url, "w", "150"], { stderr: "inherit" });
      let writing = true;
      void writer.exited.then(() => {
        writing = false;
      });
      const revisions = new Set<number>();
      while (writing) {
        const set = await store.loadAll();
        expect(set.teams.length).toBe(set.revision - 6);
        revisions.add(set.revision);
        // SQLite reads never wait on I/O; yield so the child's exit can be noticed.
        await Bun.sleep(1);
      }
      expect(await writer.exited).toBe(0);
      // The reads overlapped the writes, or the test proved nothing.
      expect(revisions.size).toBeGreaterThan(2);
      const final = await store.loadAll();
      expect(final.revision).toBe(157);
      expect(final.teams).toHaveLength(151);
    });

    // ------------------------------------------------------------ watch

    test("watch fires within 1 s on a change made through a second store", async () => {
      const other = await db.open();
      const start = await store.revision();
      const reported: number[] = [];
      const unsubscribe = store.watch((r) => reported.push(r), undefined, start);
      try {
        await other.create("teams", teamData("remote"));
        expect(await within(revisionAtLeast(reported, start + 1), 1000, "watch")).toBe(start + 1);
        await other.transaction(async (tx) => {
          await tx.create("teams", teamData("r1"));
          await tx.create("teams", teamData("r2"));
          await tx.create("teams", teamData("r3"));
        });
        expect(await within(revisionAtLeast(reported, start + 2), 1000, "watch")).toBe(start + 2);
        await Bun.sleep(100);
        expect(reported).toEqual([start + 1, start + 2]);
      } finally {
        unsubscribe();
      }
    });

    test("watch fires within 1 s on a change made by another process", async () => {
      const start = await store.revision();
      const reported: number[] = [];
      const unsubscribe = store.watch((r) => reported.push(r), undefined, start);
      try {
        const run = await runScript("write-team.ts", [db.url, "from-another-process"], 15_000);
        expect(run.code).toBe(0);
        expect(await within(revisionAtLeast(reported, start + 1), 1000, "watch")).toBe(start + 1);
        expect((await store.getByName("teams", "from-another-process"))?.name).toBe("from-another-process");
      } finally {
        unsubscribe();
      }
    });

    test("watch reports increasing revisions only, coalescing bursts", async () => {
      const other = await db.open();
      const reported: number[] = [];
      const unsubscribe = store.watch((r) => reported.push(r), 20, 0);
      try {
        for (let i = 0; i < 10; i++) await other.create("teams", teamData(`b${i}`));
        await within(revisionAtLeast(reported, 10), 1000, "watch");
        await Bun.sleep(100);
        expect(reported.at(-1)).toBe(10);
        expect(reported.length).toBeLessThanOrEqual(10);
        for (let i = 1; i < reported.length; i++) expect(reported[i] ?? 0).toBeGreaterThan(reported[i - 1] ?? 0);
      } finally {
        unsubscribe();
      }
    });

    test("watch without a baseline reports only later changes", async () => {
      await store.create("teams", teamData("old"));
      const reported: number[] = [];
      const unsubscribe = store.watch((r) => reported.push(r), 20);
      try {
        await Bun.sleep(150);
        expect(reported).toEqual([]);
        await store.create("teams", teamData("new"));
        expect(await within(revisionAtLeast(reported, 2), 1000, "watch")).toBe(2);
      } finally {
        unsubscribe();
      }
    });

    test("watch with a baseline reports a change committed before it started", async () => {
      await store.create("teams", teamData("missed"));
      const reported: number[] = [];
      const unsubscribe = store.watch((r) => reported.push(r), 20, 0);
      try {
        expect(await within(revisionAtLeast(reported, 1), 1000, "watch")).toBe(1);
      } finally {
        unsubscribe();
      }
    });

    test("nothing is reported after unsubscribe or close", async () => {
      const other = await db.open();
      const watcher = await db.open();
      const afterUnsubscribe: number[] = [];
      const afterClose: number[] = [];
      store.watch((r) => afterUnsubscribe.push(r), 20, 0)();
      watcher.watch((r) => afterClose.push(r), 20, 0);
      await watcher.close();
      await other.create("teams", teamData("unseen"));
      await Bun.sleep(200);
      expect(afterUnsubscribe).toEqual([]);
      expect(afterClose).toEqual([]);
    });

    for (const mode of ["unsubscribe+close", "close"]) {
      test(`a watching process exits after ${mode}`, async () => {
        const run = await runScript("watch-exit.ts", [db.url, mode], 10_000);
        expect(run.stdout.trim()).toBe("released");
        expect(run.code).toBe(0);
      });
    }

    // ------------------------------------------------------------ migrations

    test("migrate is idempotent and leaves the revision alone", async () => {
      await store.create("teams", teamData("kept"));
      expect(await store.migrate()).toEqual([]);
      expect(await store.migrate()).toEqual([]);
      expect(await store.revision()).toBe(1);
      expect((await store.getByName("teams", "kept"))?.name).toBe("kept");
    });

    test("migrate applies pending versions in order, once, even when two stores race", async () => {
      const raw = await backend.fresh({ migrate: false });
      try {
        const second = await raw.open({ migrate: false });
        const [a, b] = await Promise.all([raw.store.migrate(), second.migrate()]);
        const applied = [...a, ...b];
        expect(applied[0]).toBe(1);
        expect(applied.includes(2)).toBe(true);
        expect(applied.includes(3)).toBe(true);
        expect(applied).toEqual([...applied].sort((x, y) => x - y));
        expect(new Set(applied).size).toBe(applied.length);
        expect(a.length === 0 || b.length === 0).toBe(true);
        expect(await raw.store.migrate()).toEqual([]);
        expect(await raw.store.revision()).toBe(0);
        await second.create("teams", teamData("works"));
        expect((await raw.store.list("teams")).total).toBe(1);
      } finally {
        await raw.dispose();
      }
    });
  });
}
