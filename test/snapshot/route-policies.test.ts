import { afterEach, describe, expect, test } from "bun:test";
import { LatencyBook } from "../../src/ai/runtime/ai-runtime.ts";
import type { EntitySet } from "../../src/config/entities.ts";
import { FakeClock } from "../../src/core/clock.ts";
import { kindLookup } from "../../src/policies/registry.ts";
import { compileSnapshot } from "../../src/snapshot/compile.ts";
import type { CompiledRoute } from "../../src/snapshot/snapshot.ts";
import { TargetRegistry } from "../../src/upstream/registry.ts";
import { ONLY_ONE, STAMP, built } from "./fake-kinds.ts";
import { emptyEntitySet as emptySet, entityDoc as entity } from "../support/entities.ts";

/** Two teams' services, each with a route, and two applications. */
function baseSet(auth: "none" | "key_auth" = "key_auth"): EntitySet {
  const set = emptySet();
  set.teams = [entity("teams", "team-a", { name: "a" }), entity("teams", "team-b", { name: "b" })];
  set.services = [
    entity("services", "svc-a", { name: "sa", team_id: "team-a", auth: { mode: auth } }),
    entity("services", "svc-b", { name: "sb", team_id: "team-b", auth: { mode: auth } }),
  ];
  set.routes = [
    entity("routes", "route-a", { name: "ra", service_id: "svc-a", paths: ["/a"] }),
    entity("routes", "route-a2", { name: "ra2", service_id: "svc-a", paths: ["/a2"] }),
    entity("routes", "route-b", { name: "rb", service_id: "svc-b", paths: ["/b"] }),
  ];
  set.applications = [entity("applications", "app-1", { name: "one" }), entity("applications", "app-2", { name: "two" })];
  return set;
}

function policy(name: string, kind: string, scope: string, target: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return entity("policies", `p-${name}`, { name, kind, scope, ...target, config: {}, ...extra });
}

function compile(set: EntitySet) {
  return compileSnapshot(set, {
    registry: new TargetRegistry(),
    clock: new FakeClock(0),
    latency: new LatencyBook(),
    policyKinds: kindLookup([STAMP, ONLY_ONE]),
  });
}

function routeAt(set: EntitySet, path: string): CompiledRoute {
  const m = compile(set).router.match({ method: "GET", host: "", path, headers: new Headers() });
  if (!m.ok) throw new Error(`no route at ${path}`);
  return m.match.value;
}

const names = (chain: readonly { name: string }[] | undefined) => chain?.map((p) => p.name);

afterEach(() => {
  built.length = 0;
});

describe("route policy chains", () => {
  test("key auth first, then global → team → service → route; each scope only reaches its own targets", () => {
    const set = baseSet();
    set.policies = [
      policy("r1", "stamp", "route", { route_id: "route-a" }),
      policy("s1", "stamp", "service", { service_id: "svc-a" }),
      policy("t1", "stamp", "team", { team_id: "team-a" }),
      policy("g2", "stamp", "global"),
      policy("g1", "stamp", "global"),
      policy("tb", "stamp", "team", { team_id: "team-b" }),
    ];
    expect(names(routeAt(set, "/a").policies)).toEqual(["key_auth", "g1", "g2", "t1", "s1", "r1"]);
    expect(names(routeAt(set, "/a2").policies)).toEqual(["key_auth", "g1", "g2", "t1", "s1"]);
    expect(names(routeAt(set, "/b").policies)).toEqual(["key_auth", "g1", "g2", "tb"]);
  });

  test("an override kind keeps only its most specific instance; stack kinds keep all", () => {
    const set = baseSet("none");
    set.policies = [
      policy("cors-global", "only_one", "global"),
      policy("cors-service", "only_one", "service", { service_id: "svc-a" }),
      policy("cors-route", "only_one", "route", { route_id: "route-a" }),
      policy("limit-global", "stamp", "global"),
      policy("limit-route", "stamp", "route", { route_id: "route-a" }),
    ];
    expect(names(routeAt(set, "/a").policies)).toEqual(["limit-global", "cors-route", "limit-route"]);
    expect(names(routeAt(set, "/a2").policies)).toEqual(["limit-global", "cors-service"]);
    expect(names(routeAt(set, "/b").policies)).toEqual(["cors-global", "limit-global"]);
  });

  test("disabled policies are skipped, and each enabled one is built once however many routes share it", () => {
    const set = baseSet("none");
    set.policies = [policy("on", "stamp", "global"), policy("off", "stamp", "global", {}, { enabled: false })];
    const snap = compile(set);
    for (const path of ["/a", "/a2", "/b"]) {
      const m = snap.router.match({ method: "GET", host: "", path, headers: new Headers() });
      expect(m.ok && names(m.match.value.policies)).toEqual(["on"]);
    }
    expect(built).toEqual(["on"]);
  });

  test("application policies form a per-application chain that starts with key auth and overrides the route's", () => {
    const set = baseSet();
    set.policies = [
      policy("cors-route", "only_one", "route", { route_id: "route-a" }),
      policy("limit-global", "stamp", "global"),
      policy("app-cors", "only_one", "application", { application_id: "app-1" }),
      policy("app-limit", "stamp", "application", { application_id: "app-1" }),
    ];
    const route = routeAt(set, "/a");
    expect(names(route.policies)).toEqual(["key_auth", "limit-global", "cors-route"]);
    expect(names(route.applicationPolicies?.get("app-1"))).toEqual(["key_auth", "limit-global", "app-cors", "app-limit"]);
    expect(route.applicationPolicies?.get("app-2")).toBeUndefined();
    // Without key auth nothing identifies an application, so its policies have no place to run.
    const open = baseSet("none");
    open.policies = set.policies;
    expect(routeAt(open, "/a").applicationPolicies).toBeUndefined();
  });

  test("a policy of an unknown kind refuses requests instead of being dropped", async () => {
    const set = baseSet("none");
    set.policies = [policy("ghost", "no_such_kind", "global")];
    const [only] = routeAt(set, "/a").policies;
    expect(only?.name).toBe("ghost");
    const verdict = await only?.onRequest?.({} as never, {} as never);
    expect((verdict as { code?: string } | undefined)?.code).toBe("internal_error");
  });
});
