import { expect, test } from "bun:test";
import { buildOpenApi } from "../../src/control/openapi.ts";

// That every $ref of the document resolves is checked in openapi-refs.test.ts.
test("the OpenAPI document describes login, users, memberships, tokens, sessions and the audit log", () => {
  const doc = buildOpenApi() as any;
  for (const [path, method] of [
    ["/admin/login", "post"],
    ["/admin/logout", "post"],
    ["/admin/me", "get"],
    ["/admin/users", "post"],
    ["/admin/users/{id}", "patch"],
    ["/admin/memberships", "post"],
    ["/admin/memberships/{id}", "delete"],
    ["/admin/tokens", "post"],
    ["/admin/tokens/{id}", "delete"],
    ["/admin/sessions", "get"],
    ["/admin/sessions/{id}", "delete"],
    ["/admin/audit-log", "get"],
  ] as const) {
    expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  }
  expect(doc.paths["/admin/login"].post.security).toEqual([]);
  expect(doc.paths["/admin/login"].post.responses["401"].$ref).toBe("#/components/responses/InvalidLogin");
  expect(doc.paths["/admin/services"].post.responses["403"].$ref).toBe("#/components/responses/Forbidden");
  expect(doc.components.schemas.AccessTokenCreated).toBeDefined();
  expect(JSON.stringify(doc.components.schemas.User)).not.toContain("password_hash");
});
