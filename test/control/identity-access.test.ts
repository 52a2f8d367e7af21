import { expect, test } from "bun:test";
import { extensionAccess, writeRoles } from "../../src/identity/access.ts";
import { maskSecrets } from "../../src/identity/audit.ts";

test("an extension segment without an entry is for system admins only; the known ones are readable by any team role", () => {
  expect(extensionAccess("some-new-endpoint")).toEqual({ read: [], write: [] });
  expect(extensionAccess("constructor")).toEqual({ read: [], write: [] });
  for (const segment of ["calls", "analytics", "budget-alerts"]) {
    expect([...extensionAccess(segment).read].sort()).toEqual(["consumer_manager", "developer", "service_admin", "team_admin"]);
  }
  expect(extensionAccess("calls").write).toEqual([]);
  expect(extensionAccess("budget-alerts").write).toEqual(["team_admin"]);
});

test("a policy's write roles follow its scope; an unknown scope is for system admins", () => {
  expect(writeRoles("policies", "create", { scope: "application" })).toEqual(["team_admin", "developer"]);
  expect(writeRoles("policies", "create", { scope: "route" })).toEqual(["team_admin", "service_admin"]);
  expect(writeRoles("policies", "delete", { scope: "team" })).toEqual(["team_admin"]);
  expect(writeRoles("policies", "update", { scope: "global" })).toEqual([]);
  expect(writeRoles("policies", "update", {})).toEqual([]);
});

test("masking replaces every secret-named field at any depth and leaves the rest", () => {
  const doc = {
    name: "k",
    key: "wg_plain",
    key_prefix: "wg_pl",
    max_tokens: 5,
    nested: [{ secret: "s", secret_hint: "****abcd", Password: "p" }, { token: null }],
    config: { headers: { Authorization: "Bearer x", accept: "json" } },
  };
  expect(maskSecrets(doc)).toEqual({
    name: "k",
    key: "***",
    key_prefix: "wg_pl",
    max_tokens: 5,
    nested: [{ secret: "***", secret_hint: "****abcd", Password: "***" }, { token: null }],
    config: { headers: { Authorization: "***", accept: "json" } },
  });
});
