import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";
import { startIdentityAdmin, type IdentityServer } from "../control/identity-fixture.ts";
import { example, operationsOf } from "./specs.ts";

describe("/admin/openapi acts only on the caller's teams", () => {
  let store: Store;
  let api: IdentityServer;
  let svcAdmin: string;
  let developer: string;
  let twoTeams: string;
  const teams: Record<string, string> = {};
  const spec = () => example("3.0/json/petstore-simple.json");

  beforeAll(async () => {
    store = await openStore("sqlite::memory:");
    api = startIdentityAdmin(store);
    for (const name of ["alpha", "beta"]) teams[name] = (await api.call("POST", "/admin/teams", { name })).body.id;
    await api.call("POST", "/admin/upstreams", { name: "beta-up", team_id: teams.beta, targets: [{ url: "http://beta.internal" }] });
    await api.call("POST", "/admin/services", { name: "beta-svc", team_id: teams.beta });
    await api.grant(await api.user("sam"), teams.alpha as string, "service_admin");
    await api.grant(await api.user("dev"), teams.alpha as string, "developer");
    const both = await api.user("both");
    await api.grant(both, teams.alpha as string, "service_admin");
    await api.grant(both, teams.beta as string, "team_admin");
    svcAdmin = await api.login("sam");
    developer = await api.login("dev");
    twoTeams = await api.login("both");
  });
  afterAll(async () => {
    await api.stop();
    await store.close();
  });

  test("a service admin creates a service in their own team, and the import is in the audit log", async () => {
    const res = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "alpha-pets", target_url: "http://pets.internal" }, svcAdmin);
    expect(res.status).toBe(201);
    const service = await api.call("GET", "/admin/services/alpha-pets");
    expect(service.body.team_id).toBe(teams.alpha);
    expect((await api.call("GET", "/admin/upstreams/alpha-pets")).body.team_id).toBe(teams.alpha);
    // Each entity the import wrote has its own entry, in the import's transaction; the dry run below adds none.
    const audit = async (kind: string) =>
      ((await api.call("GET", `/admin/audit-log?kind=${kind}`)).body.data as Array<Record<string, unknown>>).filter((e) => e.path === "/admin/openapi/import");
    expect(await audit("services")).toEqual([expect.objectContaining({ action: "create", path: "/admin/openapi/import", entity_id: service.body.id, teams: [teams.alpha] })]);
    expect(await audit("upstreams")).toHaveLength(1);
    const routes = await audit("routes");
    expect(routes).toHaveLength(operationsOf(spec()).length);
    for (const entry of routes) expect(entry).toMatchObject({ action: "create", method: "POST", path: "/admin/openapi/import", teams: [teams.alpha] });
    const dry = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "alpha-pets", dry_run: true, prune: true }, svcAdmin);
    expect(dry.status).toBe(200);
    expect(await audit("routes")).toHaveLength(routes.length);
    expect(await audit("openapi")).toEqual([]);
  });

  test("another team's service, team or upstream reads as missing", async () => {
    const update = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "beta-svc" }, svcAdmin);
    expect(update.status).toBe(404);
    const team = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "x1", team_id: "beta", target_url: "http://x" }, svcAdmin);
    expect(team.status).toBe(400);
    expect(team.body.error.code).toBe("reference_not_found");
    const upstream = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "x2", upstream_id: "beta-up" }, svcAdmin);
    expect(upstream.status).toBe(400);
    expect(upstream.body.error.details[0].path).toBe("upstream_id");
    expect((await api.call("GET", "/admin/routes?service_id=beta-svc")).body.total).toBe(0);
  });

  test("with service roles in several teams the new service's team must be named", async () => {
    const unnamed = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "x3", target_url: "http://x" }, twoTeams);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.details[0].path).toBe("team_id");
    const named = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "beta-pets", team_id: "beta", upstream_id: "beta-up" }, twoTeams);
    expect(named.status).toBe(201);
    expect((await api.call("GET", "/admin/services/beta-pets")).body.team_id).toBe(teams.beta);
  });

  test("roles that may not change services cannot import; any team role may export its own services", async () => {
    const res = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "dev-pets", target_url: "http://x" }, developer);
    expect(res.status).toBe(403);
    // With a role in beta that may not change services, beta's service is visible but not theirs to import into.
    const viewer = await api.user("viewer");
    await api.grant(viewer, teams.alpha as string, "service_admin");
    await api.grant(viewer, teams.beta as string, "developer");
    const viewerSession = await api.login("viewer");
    const seen = await api.call("POST", "/admin/openapi/import", { spec: spec(), service: "beta-svc" }, viewerSession);
    expect(seen.status).toBe(403);
    expect((await api.call("GET", "/admin/routes?service_id=beta-svc")).body.total).toBe(0);
    expect((await api.call("GET", "/admin/services/dev-pets")).status).toBe(404);
    const exported = await api.call("GET", "/admin/openapi/export?service=alpha-pets", undefined, developer);
    expect(exported.status).toBe(200);
    expect(Object.keys(exported.body.paths)).toEqual(Object.keys(spec().paths as object));
    expect((await api.call("GET", "/admin/openapi/export?service=beta-svc", undefined, developer)).status).toBe(404);
  });

  test("the admin API's own OpenAPI document describes the import, export and catalog endpoints", async () => {
    const res = await api.call("GET", "/admin/openapi.json", undefined, null);
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, { operationId: string }>>;
    expect(paths["/admin/openapi/import"]?.post?.operationId).toBe("importOpenApi");
    expect(paths["/admin/openapi/export"]?.get?.operationId).toBe("exportOpenApi");
    expect(paths["/admin/catalog"]?.get?.operationId).toBe("listCatalog");
    expect(paths["/admin/catalog/{service}/subscribe"]?.post?.operationId).toBe("subscribeFromCatalog");
  });
});
