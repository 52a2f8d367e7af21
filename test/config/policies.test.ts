import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "bun:test";
import { applyConfig } from "../../src/config/file/apply.ts";
import { exportConfig } from "../../src/config/file/export.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import { registerTestPolicyKind } from "../../src/policies/registry.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";
import { ONLY_ONE, STAMP } from "../snapshot/fake-kinds.ts";
import { parse } from "./helpers.ts";

const unregister: Array<() => void> = [];
beforeAll(() => {
  unregister.push(registerTestPolicyKind(STAMP), registerTestPolicyKind(ONLY_ONE));
});
afterAll(() => {
  for (const off of unregister) off();
});

let store: Store;
beforeEach(async () => {
  store = await openStore("sqlite::memory:");
});
afterEach(async () => {
  await store.close();
});

const BASE = `version: 1
teams:
  - name: core
services:
  - name: orders
    team: core
    routes:
      - name: orders-api
        paths: [/orders]
applications:
  - name: shop
`;

const POLICIES = `policies:
  - name: everyone
    kind: stamp
    scope: global
    config: { limit: 100 }
  - name: core-limit
    kind: stamp
    scope: team
    team: core
  - name: orders-cors
    kind: only_one
    scope: service
    service: orders
  - name: orders-api-limit
    kind: stamp
    scope: route
    route: orders-api
    enabled: false
  - name: shop-limit
    kind: stamp
    scope: application
    application: shop
    config: { limit: 5, block: true }
`;

test("policies name their targets; apply stores ids and the kind's parsed config; a second apply changes nothing", async () => {
  const summary = await applyConfig(store, parse(BASE + POLICIES));
  expect(summary.kinds.policies).toEqual({ created: 5, updated: 0, deleted: 0 });
  const all = await store.loadAll();
  const byName = new Map(all.policies.map((p) => [p.name, p]));
  expect(byName.get("everyone")).toMatchObject({ scope: "global", config: { limit: 100, block: false }, enabled: true });
  expect(byName.get("core-limit")?.team_id).toBe(all.teams[0]?.id);
  expect(byName.get("orders-cors")?.service_id).toBe(all.services[0]?.id);
  expect(byName.get("orders-api-limit")).toMatchObject({ route_id: all.routes[0]?.id, enabled: false });
  expect(byName.get("shop-limit")).toMatchObject({ application_id: all.applications[0]?.id, config: { limit: 5, block: true } });
  expect("route_id" in (byName.get("everyone") ?? {})).toBe(false);
  expect((await applyConfig(store, parse(BASE + POLICIES))).changed).toBe(false);
});

test("export writes policies with names, and the exported text applies back to the same store contents", async () => {
  await applyConfig(store, parse(BASE + POLICIES));
  const text = await exportConfig(store);
  expect(text).toContain("route: orders-api");
  expect(text).toContain("application: shop");
  const copy = await openStore("sqlite::memory:");
  try {
    await applyConfig(copy, parse(text));
    expect(await exportConfig(copy)).toBe(text);
  } finally {
    await copy.close();
  }
});

test("removing a policy's target and the policy in one file applies cleanly", async () => {
  await applyConfig(store, parse(BASE + POLICIES));
  const without = BASE.replace(/    routes:\n      - name: orders-api\n        paths: \[\/orders\]\n/, "").replace(/applications:\n  - name: shop\n/, "");
  const summary = await applyConfig(store, parse(without + POLICIES.split("  - name: orders-api-limit")[0]!));
  expect(summary.kinds.policies.deleted).toBe(2);
  expect(summary.kinds.routes.deleted).toBe(1);
  expect((await store.loadAll()).policies.map((p) => p.name).sort()).toEqual(["core-limit", "everyone", "orders-cors"]);
});

test("errors name the policy's field and line: unknown targets, wrong scope targets, bad kinds and bad config", () => {
  const text = `${BASE}policies:
  - name: a
    kind: stamp
    scope: route
    route: no-such-route
  - name: b
    kind: stamp
    scope: global
    team: core
  - name: c
    kind: nope
    scope: global
  - name: d
    kind: stamp
    scope: service
    service: orders
    config:
      limit: 0
  - name: e
    kind: stamp
    scope: service
`;
  const r = validateConfig(text, {});
  expect(r.ok).toBe(false);
  const errors = r.ok ? [] : r.errors.map((e) => `${e.path}@${e.line}`);
  expect(errors).toEqual([
    "policies[0].route@16",
    "policies[1].team@20",
    "policies[2].kind@22",
    "policies[3].config.limit@29",
    // A missing field is reported at its policy's first line.
    "policies[4].service@30",
  ]);
});
