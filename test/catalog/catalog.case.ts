/** The catalog over the admin API, run against every store backend (catalog.sqlite/postgres tests). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Backend, TestDatabase } from "../store/backends.ts";
import { startIdentityAdmin, type IdentityServer } from "../control/identity-fixture.ts";

export function catalogSuite(backend: Backend): void {
  describe(`catalog (${backend.name})`, () => {
    let db: TestDatabase;
    let api: IdentityServer;
    let alice: string; // developer in alpha
    let bob: string; // consumer_manager in alpha
    let carol: string; // team_admin in beta
    let dave: string; // developer in alpha and gamma
    let erin: string; // developer in alpha, consumer_manager in beta
    const ids: Record<string, string> = {};

    async function make(path: string, body: Record<string, unknown>): Promise<string> {
      const res = await api.call("POST", path, body);
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    }

    beforeAll(async () => {
      db = await backend.fresh();
      api = startIdentityAdmin(db.store);
      for (const team of ["alpha", "beta", "gamma"]) ids[team] = await make("/admin/teams", { name: team });
      const services: Array<Record<string, unknown>> = [
        { name: "beta-weather", team_id: ids.beta, visibility: "public", tags: ["weather", "free"], categories: ["data"], description: "Forecasts", docs: "# Weather\n\nCall `GET /forecast/{city}` for a five-day forecast." },
        { name: "beta-ledger", team_id: ids.beta, visibility: "internal", tags: ["finance", "weather"], description: "Internal bookkeeping" },
        { name: "beta-payments", team_id: ids.beta, visibility: "public", tags: ["finance"], categories: ["money"], subscription_approval: "manual", description: "Card payments" },
        { name: "beta-old", team_id: ids.beta, visibility: "public", enabled: false, description: "weather, but switched off" },
        { name: "alpha-inventory", team_id: ids.alpha, description: "Stock levels" },
        { name: "beta-draft", team_id: ids.beta, visibility: "public", lifecycle: "draft", description: "weather to come" },
        { name: "beta-retired", team_id: ids.beta, visibility: "public", lifecycle: "retired", description: "weather of the past" },
        { name: "beta-sunset", team_id: ids.beta, visibility: "public", lifecycle: "deprecated", description: "old rain gauge", tags: ["legacy"] },
      ];
      for (const s of services) ids[s.name as string] = await make("/admin/services", s);
      await make("/admin/routes", { name: "beta-weather-forecast", service_id: ids["beta-weather"], methods: ["GET"], paths: ["/forecast/:city"], prefix: false });
      ids["alpha-app"] = await make("/admin/applications", { name: "alpha-app", team_id: ids.alpha });
      ids["beta-app"] = await make("/admin/applications", { name: "beta-app", team_id: ids.beta });
      ids["gamma-app"] = await make("/admin/applications", { name: "gamma-app", team_id: ids.gamma });
      await api.grant(await api.user("alice"), ids.alpha as string, "developer");
      await api.grant(await api.user("bob"), ids.alpha as string, "consumer_manager");
      await api.grant(await api.user("carol"), ids.beta as string, "team_admin");
      const daveId = await api.user("dave");
      await api.grant(daveId, ids.alpha as string, "developer");
      await api.grant(daveId, ids.gamma as string, "developer");
      const erinId = await api.user("erin");
      await api.grant(erinId, ids.alpha as string, "developer");
      await api.grant(erinId, ids.beta as string, "consumer_manager");
      erin = await api.login("erin");
      alice = await api.login("alice");
      bob = await api.login("bob");
      carol = await api.login("carol");
      dave = await api.login("dave");
    });
    afterAll(async () => {
      await api.stop();
      await db.dispose();
    });

    const names = (body: { data: Array<{ name: string }> }) => body.data.map((s) => s.name);

    test("a member sees every team's public services and their own team's internal ones, nothing else", async () => {
      const res = await api.call("GET", "/admin/catalog", undefined, alice);
      expect(res.status).toBe(200);
      expect(names(res.body)).toEqual(["alpha-inventory", "beta-payments", "beta-sunset", "beta-weather"]);
      expect(res.body.total).toBe(4);
      const weather = res.body.data.find((s: { name: string }) => s.name === "beta-weather");
      expect(weather).toMatchObject({ visibility: "public", tags: ["weather", "free"], categories: ["data"], team: { id: ids.beta, name: "beta" }, has_docs: true, lifecycle: "published" });
      const own = await api.call("GET", "/admin/catalog", undefined, carol);
      expect(names(own.body)).toEqual(["beta-ledger", "beta-payments", "beta-sunset", "beta-weather"]);
      expect(own.body.data.find((s: { name: string }) => s.name === "beta-sunset").lifecycle).toBe("deprecated");
      const admin = await api.call("GET", "/admin/catalog");
      expect(names(admin.body)).toEqual(["alpha-inventory", "beta-ledger", "beta-payments", "beta-sunset", "beta-weather"]);
    });

    test("search by text (name, description, tags, docs) and filters by tag and category; totals count only what the caller may see", async () => {
      const q = async (query: string, who = alice) => (await api.call("GET", `/admin/catalog?${query}`, undefined, who)).body;
      expect(names(await q("q=weather"))).toEqual(["beta-weather"]);
      expect((await q("q=weather")).total).toBe(1);
      expect(names(await q("q=five-day%20FORECAST"))).toEqual(["beta-weather"]);
      expect(names(await q("tag=finance"))).toEqual(["beta-payments"]);
      expect((await q("tag=finance")).total).toBe(1);
      expect(names(await q("tag=finance", carol))).toEqual(["beta-ledger", "beta-payments"]);
      expect(names(await q("category=data"))).toEqual(["beta-weather"]);
      expect(names(await q("tag=weather&tag=free"))).toEqual(["beta-weather"]);
      expect((await q("q=bookkeeping")).total).toBe(0);
      expect((await api.call("GET", "/admin/catalog?sort=name", undefined, alice)).status).toBe(400);
    });

    test("cursor pagination walks the visible list once", async () => {
      const first = await api.call("GET", "/admin/catalog?limit=2", undefined, alice);
      expect(names(first.body)).toEqual(["alpha-inventory", "beta-payments"]);
      expect(first.body.total).toBe(4);
      const second = await api.call("GET", `/admin/catalog?limit=2&cursor=${first.body.next}`, undefined, alice);
      expect(names(second.body)).toEqual(["beta-sunset", "beta-weather"]);
      expect(second.body.next).toBeNull();
      expect((await api.call("GET", "/admin/catalog?cursor=nonsense", undefined, alice)).status).toBe(400);
    });

    test("a service page shows docs, the OpenAPI document and the caller's subscriptions; hidden services are 404", async () => {
      const res = await api.call("GET", "/admin/catalog/beta-weather", undefined, alice);
      expect(res.status).toBe(200);
      expect(res.body.docs).toContain("five-day forecast");
      expect(res.body.openapi.openapi).toBe("3.1.0");
      expect(res.body.openapi.paths["/forecast/{city}"].get.parameters[0]).toMatchObject({ name: "city", in: "path" });
      expect(res.body.subscriptions).toEqual([]);
      expect(res.body.releases).toEqual([]);
      expect((await api.call("GET", "/admin/catalog/beta-ledger", undefined, alice)).status).toBe(404);
      expect((await api.call("GET", "/admin/catalog/beta-old", undefined, alice)).status).toBe(404);
      expect((await api.call("GET", "/admin/catalog/beta-ledger", undefined, carol)).status).toBe(200);
      // Only the catalog opens another team's public service: the service itself stays another team's.
      expect((await api.call("GET", `/admin/services/${ids["beta-weather"]}`, undefined, alice)).status).toBe(404);
      expect((await api.call("GET", "/admin/catalog/beta-draft", undefined, carol)).status).toBe(404);
      expect((await api.call("GET", "/admin/catalog/beta-retired", undefined, carol)).status).toBe(404);
    });

    test("a service page lists its published release and the ones it replaced", async () => {
      for (const version of ["1.0.0", "1.1.0"]) {
        const res = await api.call("POST", "/admin/releases", { service_id: ids["beta-weather"], version, notes: `weather ${version}`, publish: true });
        expect(res.status).toBe(201);
      }
      const page = await api.call("GET", "/admin/catalog/beta-weather", undefined, alice);
      expect(page.body.releases.map((r: { version: string; status: string }) => `${r.version}:${r.status}`)).toEqual(["1.1.0:published", "1.0.0:superseded"]);
      expect(typeof page.body.releases[0].published_at).toBe("string");
    });

    test("subscribing from the catalog follows the service's approval mode", async () => {
      const auto = await api.call("POST", "/admin/catalog/beta-weather/subscribe", { application_id: "alpha-app" }, alice);
      expect(auto.status).toBe(201);
      expect(auto.body).toMatchObject({ application_id: ids["alpha-app"], service_id: ids["beta-weather"], status: "approved" });
      const manual = await api.call("POST", "/admin/catalog/beta-payments/subscribe", { application_id: ids["alpha-app"] }, alice);
      expect(manual.status).toBe(201);
      expect(manual.body.status).toBe("pending");
      const repeat = await api.call("POST", "/admin/catalog/beta-payments/subscribe", { application_id: "alpha-app" }, alice);
      expect(repeat.status).toBe(200);
      expect(repeat.body.id).toBe(manual.body.id);

      const page = await api.call("GET", "/admin/catalog/beta-payments", undefined, alice);
      expect(page.body.subscriptions).toEqual([expect.objectContaining({ id: manual.body.id, status: "pending", application: { id: ids["alpha-app"], name: "alpha-app", team_id: ids.alpha } })]);

      // The service's team decides, as for any subscription; the subscriber sees the outcome.
      expect((await api.call("POST", `/admin/subscriptions/${manual.body.id}/approve`, undefined, carol)).status).toBe(200);
      const after = await api.call("GET", "/admin/catalog/beta-payments", undefined, alice);
      expect(after.body.subscriptions[0].status).toBe("approved");

      // Both teams find the new subscriptions in their audit log; asking again recorded nothing.
      const audit = await api.call("GET", "/admin/audit-log?kind=subscriptions&action=create");
      const entries = (audit.body.data as Array<Record<string, unknown>>).filter((e) => e.path !== "/admin/subscriptions");
      expect(entries).toHaveLength(2);
      for (const e of entries) {
        expect(e.path).toMatch(/^\/admin\/catalog\/beta-(weather|payments)\/subscribe$/);
        expect((e.teams as string[]).sort()).toEqual([ids.alpha as string, ids.beta as string].sort());
      }
      expect((await api.call("GET", "/admin/audit-log?kind=catalog")).body.data).toEqual([]);
    });

    test("who may subscribe what: roles, own applications, visibility", async () => {
      const forbidden = await api.call("POST", "/admin/catalog/beta-weather/subscribe", { application_id: "alpha-app" }, bob);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe("forbidden");
      const notMine = await api.call("POST", "/admin/catalog/beta-weather/subscribe", { application_id: "beta-app" }, alice);
      expect(notMine.status).toBe(400);
      expect(notMine.body.error.code).toBe("reference_not_found");
      expect((await api.call("POST", "/admin/catalog/beta-ledger/subscribe", { application_id: "alpha-app" }, alice)).status).toBe(404);
      expect((await api.call("POST", "/admin/catalog/alpha-inventory/subscribe", { application_id: "beta-app" }, carol)).status).toBe(404);
      // alpha's internal service is dave's to find, but not for his gamma application.
      const crossTeam = await api.call("POST", "/admin/catalog/alpha-inventory/subscribe", { application_id: "gamma-app" }, dave);
      expect(crossTeam.status).toBe(403);
      // erin sees beta's applications but does not manage them.
      const seenNotManaged = await api.call("POST", "/admin/catalog/beta-weather/subscribe", { application_id: "beta-app" }, erin);
      expect(seenNotManaged.status).toBe(403);
      const bad = await api.call("POST", "/admin/catalog/beta-weather/subscribe", { application: "alpha-app" }, alice);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe("validation_failed");
      expect((await api.call("GET", "/admin/catalog/beta-weather/subscribe", undefined, alice)).status).toBe(405);
      const subs = await api.call("GET", `/admin/subscriptions?application_id=${ids["gamma-app"]}`);
      expect(subs.body.total).toBe(0);
    });

    test("/admin/catalog/subscriptions lists the caller's teams' applications' subscriptions only", async () => {
      expect((await api.call("POST", "/admin/catalog/beta-weather/subscribe", { application_id: "beta-app" }, carol)).status).toBe(201);
      const mine = await api.call("GET", "/admin/catalog/subscriptions", undefined, alice);
      expect(mine.status).toBe(200);
      expect(mine.body.total).toBe(2);
      expect(mine.body.data.map((s: { service: { name: string }; status: string }) => `${s.service.name}:${s.status}`).sort()).toEqual(["beta-payments:approved", "beta-weather:approved"]);
      // carol's team owns the services alpha subscribed to, but these lists are of her own applications.
      const theirs = await api.call("GET", "/admin/catalog/subscriptions", undefined, carol);
      expect(theirs.body.data.map((s: { application: { name: string } }) => s.application.name)).toEqual(["beta-app"]);
      const pending = await api.call("GET", "/admin/catalog/subscriptions?status=pending", undefined, alice);
      expect(pending.body.total).toBe(0);
      const paged = await api.call("GET", "/admin/catalog/subscriptions?limit=1", undefined, alice);
      expect(paged.body.data).toHaveLength(1);
      const rest = await api.call("GET", `/admin/catalog/subscriptions?limit=1&cursor=${paged.body.next}`, undefined, alice);
      expect(rest.body.data).toHaveLength(1);
      expect(rest.body.data[0].id).not.toBe(paged.body.data[0].id);
      expect(rest.body.next).toBeNull();
      expect((await api.call("GET", "/admin/catalog/subscriptions?status=done", undefined, alice)).status).toBe(400);
    });

    test("service catalog fields are validated", async () => {
      const res = await api.call("POST", "/admin/services", { name: "bad-fields", visibility: "everyone", tags: ["a,b"] });
      expect(res.status).toBe(400);
      const paths = (res.body.error.details as Array<{ path: string }>).map((d) => d.path).sort();
      expect(paths).toEqual(["tags.0", "visibility"]);
      const big = await api.call("POST", "/admin/services", { name: "big-docs", docs: "x".repeat(100_001) });
      expect(big.status).toBe(400);
      const plain = await api.call("POST", "/admin/services", { name: "plain-fields" });
      expect(plain.body).toMatchObject({ visibility: "internal", tags: [], categories: [] });
    });
  });
}
