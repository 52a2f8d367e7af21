import { expect, test } from "bun:test";
import { buildOpenApi } from "../../src/control/openapi.ts";

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, out);
  else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else refs(value, out);
    }
  }
  return out;
}

test("the OpenAPI document describes login, users, memberships, tokens, sessions and the audit log, and every $ref resolves", () => {
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
  // Schemas zod emits may point inside themselves (#/$defs/…); every reference between components must resolve.
  for (const r of refs(doc).filter((x) => x.startsWith("#/components/"))) {
    const [, section, name] = /^#\/components\/(schemas|responses)\/(.+)$/.exec(r) ?? [];
    expect(section, r).toBeDefined();
    expect(doc.components[section as string][name as string], r).toBeDefined();
  }
});
