/**
 * Releases over one store backend: immutable snapshots of a service, served
 * by the gateway in place of the live entities once published; diffs;
 * rollback (seen by every gateway on the database within a second); and
 * publish approval by the team's service admins only, each step audited.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type RunningGateway } from "../../src/gateway/server.ts";
import type { Store } from "../../src/store/store.ts";
import { type BackendName, freshStore, type TestDatabase } from "../store/backends.ts";
import { waitFor } from "../support/gateway.ts";
import { TEST_SECRETS } from "../support/gateway.ts";
import { type LifecycleEnv, make, member, service, startLifecycleEnv } from "./fixture.ts";

interface Ids {
  service: string;
  route: string;
  upstream: string;
}

export function releaseSuite(backend: BackendName): void {
  describe(`releases (${backend})`, () => {
    let db: TestDatabase;
    let env: LifecycleEnv;
    let team: string;

    beforeAll(async () => {
      db = await freshStore(backend);
      env = await startLifecycleEnv(db.store);
      team = (await make(env, "teams", { name: "shop" })).id;
    });

    afterAll(async () => {
      await env.stop();
      await db.dispose();
    });

    async function release(body: Record<string, unknown>, token?: string) {
      const res = await env.api("POST", "/admin/releases", body, token);
      await env.synced();
      return res;
    }

    async function act(id: string, action: string, body?: Record<string, unknown>, token?: string) {
      const res = await env.api("POST", `/admin/releases/${id}/${action}`, body, token);
      await env.synced();
      return res;
    }

    /** The response header `x-edition`, or the upstream's name / the error code. */
    async function edition(path: string): Promise<string> {
      const res = await env.get(path);
      const body = (await res.json()) as { upstream?: string; error?: { code: string } };
      return `${body.upstream ?? body.error?.code}:${res.headers.get("x-edition") ?? "-"}`;
    }

    async function catalogService(name: string): Promise<Ids> {
      const ids = await service(env, team, name, `/${name}`);
      await make(env, "policies", { name: `${name}-edition`, kind: "headers", scope: "service", service_id: ids.service, config: { response: { set: { "x-edition": "one" } } } });
      await env.synced();
      return ids;
    }

    test("a release freezes the service, its routes, upstream and policies; it cannot be changed or deleted", async () => {
      const ids = await catalogService("frozen");
      const res = await release({ service_id: "frozen", version: "1.0.0", notes: "First cut" });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ service_id: ids.service, team_id: team, version: "1.0.0", notes: "First cut", status: "created", previous_id: null, created_by: "admin" });
      const content = res.body.content;
      expect(content.service).toMatchObject({ id: ids.service, name: "frozen", version: "1.0.0" });
      expect(content.routes.map((r: { id: string }) => r.id)).toEqual([ids.route]);
      expect(content.upstream).toMatchObject({ id: ids.upstream, targets: [{ url: env.a.url }] });
      expect(content.policies.map((p: { name: string }) => p.name)).toEqual(["frozen-edition"]);
      expect(content.prompt_apis).toEqual([]);

      expect((await env.api("PATCH", "/admin/routes/frozen-route", { paths: ["/elsewhere"] })).status).toBe(200);
      const again = await env.api("GET", `/admin/releases/${res.body.id}`);
      expect(again.status).toBe(200);
      expect(again.body.content.routes[0].paths).toEqual(["/frozen"]);
      for (const method of ["PUT", "PATCH", "DELETE"]) {
        const refused = await env.api(method, `/admin/releases/${res.body.id}`, method === "DELETE" ? undefined : { notes: "x" });
        expect(refused.status).toBe(405);
        expect(refused.body.error.code).toBe("method_not_allowed");
      }
      // Not published yet: the service is still served from its live entities.
      await env.synced();
      expect(await edition("/elsewhere/x")).toBe("a:one");
    });

    test("versions: taken by another release of the service is 409; absent takes the service's own; bad input is 400", async () => {
      await catalogService("versioned");
      expect((await release({ service_id: "versioned", version: "1.0.0" })).status).toBe(201);
      const dup = await release({ service_id: "versioned", version: "1.0.0" });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe("conflict");
      const none = await release({ service_id: "versioned" });
      expect(none.status).toBe(400);
      expect(none.body.error.details[0].path).toBe("version");
      expect((await env.api("PATCH", "/admin/services/versioned", { version: "2.0.0" })).status).toBe(200);
      const own = await release({ service_id: "versioned", notes: "" });
      expect(own.status).toBe(201);
      expect(own.body.version).toBe("2.0.0");
      expect((await release({ service_id: "versioned", version: "bad version" })).status).toBe(400);
      expect((await release({ service_id: "versioned", version: "3.0.0", extra: 1 })).status).toBe(400);
      expect((await release({ service_id: "no-such-service", version: "1" })).status).toBe(404);
    });

    test("the gateway serves the published release, not the draft: live edits change nothing until the next release", async () => {
      await catalogService("served");
      const r1 = await release({ service_id: "served", version: "1.0.0", publish: true });
      expect(r1.status).toBe(201);
      expect(r1.body.status).toBe("published");
      expect(r1.body.published_at).not.toBeNull();
      expect(await edition("/served/x")).toBe("a:one");

      // The draft: another path, another upstream target, another header value.
      expect((await env.api("PATCH", "/admin/routes/served-route", { paths: ["/served-two"] })).status).toBe(200);
      expect((await env.api("PATCH", "/admin/upstreams/served-up", { targets: [{ url: env.b.url }] })).status).toBe(200);
      expect((await env.api("PATCH", "/admin/policies/served-edition", { config: { response: { set: { "x-edition": "two" } } } })).status).toBe(200);
      await env.synced();
      expect(await edition("/served/x")).toBe("a:one");
      expect(await edition("/served-two/x")).toBe("route_not_found:-");

      const r2 = await release({ service_id: "served", version: "2.0.0", notes: "moved", publish: true });
      expect(r2.body).toMatchObject({ status: "published", previous_id: r1.body.id });
      expect(await edition("/served-two/x")).toBe("b:two");
      expect(await edition("/served/x")).toBe("route_not_found:-");
      // Each release exports its own OpenAPI document, from its frozen routes.
      const paths = async (id: string) => Object.keys(((await env.api("GET", `/admin/releases/${id}/openapi`)).body as { paths: object }).paths);
      expect((await paths(r1.body.id)).some((p) => p.startsWith("/served") && !p.startsWith("/served-two"))).toBe(true);
      expect((await paths(r1.body.id)).some((p) => p.startsWith("/served-two"))).toBe(false);
      expect((await paths(r2.body.id)).some((p) => p.startsWith("/served-two"))).toBe(true);
      expect((await env.api("POST", `/admin/releases/${r1.body.id}/openapi`)).status).toBe(405);
      // Each call names the release that served it.
      const served = (await env.records()).filter((r) => r.path.startsWith("/served"));
      expect(served.filter((r) => r.status === 200).map((r) => r.release_id)).toEqual([r1.body.id, r1.body.id, r2.body.id]);
      expect((await env.api("GET", `/admin/releases/${r1.body.id}`)).body.status).toBe("superseded");

      const listed = await env.api("GET", "/admin/releases?service_id=served");
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((r: { version: string; status: string }) => `${r.version}:${r.status}`)).toEqual(["2.0.0:published", "1.0.0:superseded"]);
      expect(listed.body.data[0].content).toBeUndefined();
      expect(listed.body).toMatchObject({ next: null, total: 2 });
      const first = await env.api("GET", "/admin/releases?service_id=served&limit=1");
      expect(first.body.data.map((r: { version: string }) => r.version)).toEqual(["2.0.0"]);
      expect(first.body.total).toBe(2);
      const second = await env.api("GET", `/admin/releases?service_id=served&limit=1&cursor=${first.body.next}`);
      expect(second.body).toMatchObject({ data: [{ version: "1.0.0" }], next: null });
      expect((await env.api("GET", "/admin/releases?cursor=nonsense")).status).toBe(400);
      expect((await env.api("GET", "/admin/releases?sort=asc")).status).toBe(400);
      const state = await env.api("GET", "/admin/lifecycle/served");
      expect(state.body.release).toMatchObject({ id: r2.body.id, version: "2.0.0" });

      // The lifecycle is operational, not content: deprecating a released service needs no new release.
      expect((await env.api("POST", "/admin/lifecycle/served", { to: "deprecated", sunset_at: "2027-03-01T00:00:00Z" })).status).toBe(200);
      await env.synced();
      const deprecated = await env.get("/served-two/x");
      expect(deprecated.headers.get("sunset")).toBe("Mon, 01 Mar 2027 00:00:00 GMT");
      expect(((await deprecated.json()) as { upstream: string }).upstream).toBe("b");
    });

    test("diff: added, removed and changed routes and policies, with field-level changes", async () => {
      const ids = await catalogService("diffed");
      await make(env, "routes", { name: "diffed-old", service_id: ids.service, paths: ["/diffed-old"] });
      const r1 = await release({ service_id: "diffed", version: "1" });
      const first = await env.api("GET", `/admin/releases/${r1.body.id}/diff`);
      expect(first.status).toBe(200);
      expect(first.body.from).toBeNull();
      expect(first.body.changes.routes.added.map((r: { name: string }) => r.name).sort()).toEqual(["diffed-old", "diffed-route"]);

      expect((await env.api("DELETE", "/admin/routes/diffed-old")).status).toBe(200);
      const added = await make(env, "routes", { name: "diffed-new", service_id: ids.service, paths: ["/diffed-new"], methods: ["GET"] });
      expect((await env.api("PATCH", "/admin/routes/diffed-route", { paths: ["/diffed", "/diffed-alias"], strip_path: true })).status).toBe(200);
      expect((await env.api("PATCH", "/admin/policies/diffed-edition", { config: { response: { set: { "x-edition": "two" } } } })).status).toBe(200);
      const cors = await make(env, "policies", { name: "diffed-cors", kind: "cors", scope: "route", route_id: added.id, config: { origins: ["https://shop.example"] } });
      expect((await env.api("PATCH", "/admin/upstreams/diffed-up", { targets: [{ url: env.b.url, weight: 5 }] })).status).toBe(200);
      expect((await env.api("PATCH", "/admin/services/diffed", { description: "now with more" })).status).toBe(200);
      const r2 = await release({ service_id: "diffed", version: "2" });
      // Diffed against the release published when it was made (none here), or the one named.
      const res = await env.api("GET", `/admin/releases/${r2.body.id}/diff?against=${r1.body.id}`);
      expect(res.status).toBe(200);
      const c = res.body.changes;
      expect(res.body.from).toEqual({ id: r1.body.id, version: "1" });
      expect(c.routes.added).toEqual([{ id: added.id, name: "diffed-new" }]);
      expect(c.routes.removed.map((r: { name: string }) => r.name)).toEqual(["diffed-old"]);
      expect(c.routes.changed).toEqual([
        {
          id: ids.route,
          name: "diffed-route",
          changes: [
            { path: "paths", before: ["/diffed"], after: ["/diffed", "/diffed-alias"] },
            { path: "strip_path", before: false, after: true },
          ],
        },
      ]);
      expect(c.policies.added).toEqual([{ id: cors.id, name: "diffed-cors" }]);
      expect(c.policies.removed).toEqual([]);
      expect(c.policies.changed).toEqual([{ id: expect.any(String), name: "diffed-edition", changes: [{ path: "config.response.set.x-edition", before: "one", after: "two" }] }]);
      expect(c.upstream).toEqual([
        { path: "targets.0.url", before: env.a.url, after: env.b.url },
        { path: "targets.0.weight", before: 100, after: 5 },
      ]);
      expect(c.service).toEqual([
        { path: "description", before: "", after: "now with more" },
        { path: "version", before: "1", after: "2" },
      ]);

      const live = await env.api("GET", `/admin/releases/${r2.body.id}/diff?against=live`);
      expect(live.status).toBe(200);
      expect(live.body.changes.routes).toEqual({ added: [], removed: [], changed: [] });
      const other = await catalogService("diff-other");
      const foreign = await release({ service_id: other.service, version: "1" });
      expect((await env.api("GET", `/admin/releases/${r2.body.id}/diff?against=${foreign.body.id}`)).status).toBe(400);
    });

    test("rollback serves an earlier release again, as a new release, on every gateway of the database within a second", async () => {
      await catalogService("rolled");
      const second: Store = await db.open();
      const other: RunningGateway = await startGateway({ store: second, proxy: { hostname: "127.0.0.1", port: 0 }, admin: null, callLog: null, pollMs: 250, secrets: TEST_SECRETS });
      try {
        const r1 = await release({ service_id: "rolled", version: "1.0.0", publish: true });
        expect((await env.api("PATCH", "/admin/policies/rolled-edition", { config: { response: { set: { "x-edition": "two" } } } })).status).toBe(200);
        const r2 = await release({ service_id: "rolled", version: "2.0.0", publish: true });
        expect(r2.body.status).toBe("published");
        const otherEdition = async () => (await fetch(`${other.proxyUrl}/rolled/x`)).headers.get("x-edition");
        await waitFor(async () => (await otherEdition()) === "two", 2000, "the second gateway to serve 2.0.0");

        const started = performance.now();
        const rb = await env.api("POST", `/admin/releases/${r1.body.id}/rollback`, { notes: "2.0.0 broke checkout" });
        expect(rb.status).toBe(201);
        expect(rb.body).toMatchObject({ status: "published", version: "1.0.0", rollback_of: r1.body.id, previous_id: r2.body.id, notes: "2.0.0 broke checkout" });
        expect(rb.body.id).not.toBe(r1.body.id);
        expect(rb.body.content).toEqual(r1.body.content);
        await waitFor(async () => (await env.get("/rolled/x")).headers.get("x-edition") === "one", 1000, "this gateway to roll back");
        await waitFor(async () => (await otherEdition()) === "one", Math.max(1, 1000 - (performance.now() - started)), "the other gateway to roll back");

        expect((await env.api("GET", `/admin/releases/${r2.body.id}`)).body.status).toBe("superseded");
        expect((await env.api("GET", `/admin/releases/${r1.body.id}`)).body.status).toBe("superseded");
        // Only a release that was once published (and is not the live one) can be rolled back to.
        const live = await act(rb.body.id, "rollback");
        expect(live.status).toBe(409);
        expect(live.body.error.code).toBe("invalid_transition");
        const never = await release({ service_id: "rolled", version: "3.0.0" });
        expect((await act(never.body.id, "rollback")).status).toBe(409);
        // Roll forward again: 2.0.0's content, served again.
        expect((await act(r2.body.id, "rollback")).status).toBe(201);
        await waitFor(async () => (await env.get("/rolled/x")).headers.get("x-edition") === "two", 1000, "roll forward");
      } finally {
        await other.stop();
      }
    });

    test("publish approval: a manual team's release waits as pending until a service admin other than the requester decides", async () => {
      const approvals = (await make(env, "teams", { name: "payments", release_approval: "manual" })).id;
      const outsiderTeam = (await make(env, "teams", { name: "outsiders" })).id;
      const ids = await service(env, approvals, "pay", "/pay");
      await make(env, "policies", { name: "pay-edition", kind: "headers", scope: "service", service_id: ids.service, config: { response: { set: { "x-edition": "one" } } } });
      const dev = await member(env, `pay-dev-${backend}`, approvals, "developer");
      const sa = await member(env, `pay-sa-${backend}`, approvals, "service_admin");
      const sa2 = await member(env, `pay-sa2-${backend}`, approvals, "service_admin");
      const cm = await member(env, `pay-cm-${backend}`, approvals, "consumer_manager");
      const outsider = await member(env, `out-admin-${backend}`, outsiderTeam, "team_admin");
      await env.synced();

      expect((await release({ service_id: "pay", version: "1.0.0" }, cm)).status).toBe(403);
      expect((await release({ service_id: "pay", version: "1.0.0" }, outsider)).status).toBe(404);
      const req = await release({ service_id: "pay", version: "1.0.0", notes: "launch", publish: true }, dev);
      expect(req.status).toBe(201);
      expect(req.body).toMatchObject({ status: "pending", created_by: `pay-dev-${backend}`, requested_by: `pay-dev-${backend}`, published_at: null });
      // Pending is not served: the live entities still are.
      expect((await env.api("PATCH", "/admin/policies/pay-edition", { config: { response: { set: { "x-edition": "draft" } } } })).status).toBe(200);
      await env.synced();
      expect(await edition("/pay/x")).toBe("a:draft");

      for (const [token, status] of [[dev, 403], [cm, 403], [outsider, 404]] as const) {
        const denied = await act(req.body.id, "approve", undefined, token);
        expect(denied.status).toBe(status);
      }
      expect((await env.api("GET", `/admin/releases/${req.body.id}`, undefined, outsider)).status).toBe(404);
      expect((await env.api("GET", "/admin/releases", undefined, outsider)).body).toEqual({ data: [], next: null, total: 0 });
      const listedByDev = await env.api("GET", "/admin/releases", undefined, dev);
      expect(listedByDev.body.data.map((r: { id: string }) => r.id)).toEqual([req.body.id]);

      const approved = await act(req.body.id, "approve", {}, sa);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ status: "published", decided_by: `pay-sa-${backend}` });
      expect(await edition("/pay/x")).toBe("a:one");
      expect((await act(req.body.id, "approve", {}, sa2)).status).toBe(409);

      // A service admin's own request needs another approver.
      const own = await release({ service_id: "pay", version: "1.1.0", publish: true }, sa);
      expect(own.body.status).toBe("pending");
      const self = await act(own.body.id, "approve", {}, sa);
      expect(self.status).toBe(403);
      const noReason = await act(own.body.id, "reject", {}, sa2);
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.details[0].path).toBe("reason");
      const rejected = await act(own.body.id, "reject", { reason: "missing changelog" }, sa2);
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: "rejected", decided_by: `pay-sa2-${backend}`, reason: "missing changelog" });
      expect((await act(own.body.id, "publish", undefined, sa)).status).toBe(409);
      expect(await edition("/pay/x")).toBe("a:one");
      // A rejected version label may be used again.
      expect((await release({ service_id: "pay", version: "1.1.0" }, dev)).status).toBe(201);

      const log = await env.api("GET", `/admin/audit-log?kind=releases&entity_id=${req.body.id}`);
      expect(log.status).toBe(200);
      const actions = (log.body.data as Array<{ action: string; actor: { username: string }; teams: string[] }>).map((e) => `${e.action}:${e.actor.username}`).sort();
      expect(actions).toEqual([`approve:pay-sa-${backend}`, `create:pay-dev-${backend}`, `request_publish:pay-dev-${backend}`]);
      const rejectedLog = await env.api("GET", `/admin/audit-log?kind=releases&entity_id=${own.body.id}&action=reject`);
      expect(rejectedLog.body.data).toHaveLength(1);
      expect(rejectedLog.body.data[0].teams).toEqual([approvals]);
    });

    test("concurrent publishes of one service leave exactly one release published", async () => {
      await catalogService("racing");
      const created = await Promise.all(["1", "2", "3", "4"].map((v) => release({ service_id: "racing", version: v })));
      const results = await Promise.all(created.map((r) => env.api("POST", `/admin/releases/${r.body.id}/publish`)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const listed = await env.api("GET", "/admin/releases?service_id=racing");
      expect(listed.body.data.filter((r: { status: string }) => r.status === "published")).toHaveLength(1);
      expect(listed.body.data.filter((r: { status: string }) => r.status === "superseded")).toHaveLength(3);
    });

    test("on an auto team publishing is a service admin's move; a developer's request is 403", async () => {
      await catalogService("autopub");
      const dev = await member(env, `shop-dev-${backend}`, team, "developer");
      const created = await release({ service_id: "autopub", version: "1.0.0" }, dev);
      expect(created.status).toBe(201);
      expect((await act(created.body.id, "publish", undefined, dev)).status).toBe(403);
      expect((await env.api("GET", `/admin/releases/${created.body.id}`)).body.status).toBe("created");
      const published = await act(created.body.id, "publish");
      expect(published.status).toBe(200);
      expect(published.body.status).toBe("published");
      expect((await act(created.body.id, "publish")).status).toBe(409);
    });
  });
}
