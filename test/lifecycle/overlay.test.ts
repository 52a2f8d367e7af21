/**
 * How a published release takes the place of its service's live entities
 * before compiling, and what it leaves alone: other services, global and
 * team policies, and the operational fields of the live service.
 */
import { expect, test } from "bun:test";
import type { EntitySet } from "../../src/config/entities.ts";
import type { ServiceContent } from "../../src/config/service-content.ts";
import { applyReleases } from "../../src/releases/overlay.ts";
import { emptyEntitySet as emptySet, entityDoc as doc } from "../support/entities.ts";

function liveSet(): EntitySet {
  const set = emptySet();
  set.upstreams = [doc("upstreams", "u1", { name: "shared", targets: [{ url: "http://10.0.0.1" }] })];
  set.services = [
    doc("services", "s1", { name: "orders", upstream_id: "u1", description: "draft text", lifecycle: "deprecated", sunset_at: "2027-01-01T00:00:00Z" }),
    doc("services", "s2", { name: "other", upstream_id: "u1" }),
  ];
  set.routes = [doc("routes", "r1", { name: "orders-live", service_id: "s1", paths: ["/orders-draft"] }), doc("routes", "r2", { name: "other", service_id: "s2", paths: ["/other"] })];
  set.policies = [
    doc("policies", "p-global", { name: "global", kind: "headers", scope: "global" }),
    doc("policies", "p-live", { name: "live-edit", kind: "headers", scope: "service", service_id: "s1" }),
    doc("policies", "p-route", { name: "live-route", kind: "headers", scope: "route", route_id: "r1" }),
    doc("policies", "p-other", { name: "other", kind: "headers", scope: "service", service_id: "s2" }),
  ];
  return set;
}

function content(upstreamUrl: string): ServiceContent {
  return {
    service: doc("services", "s1", { name: "orders", upstream_id: "u1", description: "released text", lifecycle: "published" }),
    routes: [doc("routes", "r1", { name: "orders-live", service_id: "s1", paths: ["/orders"] })],
    upstream: doc("upstreams", "u1", { name: "shared", targets: [{ url: upstreamUrl }] }),
    policies: [doc("policies", "p-frozen", { name: "frozen", kind: "headers", scope: "service", service_id: "s1" })],
    prompt_apis: [],
  };
}

test("without releases the set is served as it is", () => {
  const set = liveSet();
  expect(applyReleases(set, new Map())).toBe(set);
});

test("a released service's documents are the release's; lifecycle and enabled stay live; others are untouched", () => {
  const out = applyReleases(liveSet(), new Map([["s1", { releaseId: "rel1", content: content("http://10.0.0.1") }]]));
  const orders = out.services.find((s) => s.id === "s1");
  expect(orders).toMatchObject({ description: "released text", lifecycle: "deprecated", sunset_at: "2027-01-01T00:00:00Z", upstream_id: "u1" });
  expect(out.routes.map((r) => `${r.id}:${r.paths.join()}`).sort()).toEqual(["r1:/orders", "r2:/other"]);
  expect(out.policies.map((p) => p.id).sort()).toEqual(["p-frozen", "p-global", "p-other"]);
  // Unchanged upstream: the live one (and its targets' health) is shared.
  expect(out.upstreams.map((u) => u.id)).toEqual(["u1"]);
});

test("an upstream edited since the release runs as a frozen copy of its own; the other service keeps the live one", () => {
  const out = applyReleases(liveSet(), new Map([["s1", { releaseId: "rel1", content: content("http://10.0.0.9") }]]));
  const orders = out.services.find((s) => s.id === "s1");
  expect(orders?.upstream_id).toBe("u1@release:rel1");
  expect(out.services.find((s) => s.id === "s2")?.upstream_id).toBe("u1");
  const frozen = out.upstreams.find((u) => u.id === "u1@release:rel1");
  expect(frozen?.targets.map((t) => t.url)).toEqual(["http://10.0.0.9"]);
  expect(out.upstreams.find((u) => u.id === "u1")?.targets.map((t) => t.url)).toEqual(["http://10.0.0.1"]);
});

test("a release of a deleted service is ignored; an upstream deleted since the release comes back with it", () => {
  const gone = liveSet();
  gone.services = gone.services.filter((s) => s.id !== "s1");
  gone.routes = gone.routes.filter((r) => r.service_id !== "s1");
  expect(applyReleases(gone, new Map([["s1", { releaseId: "rel1", content: content("http://10.0.0.1") }]]))).toBe(gone);

  const noUpstream = liveSet();
  noUpstream.upstreams = [];
  const out = applyReleases(noUpstream, new Map([["s1", { releaseId: "rel1", content: content("http://10.0.0.5") }]]));
  expect(out.upstreams.map((u) => `${u.id}:${u.targets[0]?.url}`)).toEqual(["u1:http://10.0.0.5"]);
});

test("prompt APIs of a released service are the release's", () => {
  // Prompt API documents as the store keeps them; the overlay looks only at their service.
  const set = { ...liveSet(), prompt_apis: [{ id: "pa-live", name: "live", service_id: "s1" }, { id: "pa-other", name: "other", service_id: "s2" }] } as unknown as EntitySet;
  const frozen = { ...content("http://10.0.0.1"), prompt_apis: [{ id: "pa-frozen", name: "frozen", service_id: "s1" }] } as unknown as ServiceContent;
  const out = applyReleases(set, new Map([["s1", { releaseId: "rel1", content: frozen }]])) as EntitySet & { prompt_apis: Array<{ id: string }> };
  expect(out.prompt_apis.map((p) => p.id).sort()).toEqual(["pa-frozen", "pa-other"]);
});
