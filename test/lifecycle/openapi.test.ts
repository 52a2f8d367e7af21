/** The release and lifecycle endpoints in the admin OpenAPI document. */
import { expect, test } from "bun:test";
import { buildOpenApi } from "../../src/control/openapi.ts";

test("every release and lifecycle endpoint is documented, with responses the document defines", () => {
  const doc = buildOpenApi() as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>; components: { responses: Record<string, unknown> } };
  const ops = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith("/admin/releases") || path.startsWith("/admin/lifecycle"))
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  expect(ops.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual([
    "GET /admin/lifecycle/{service}",
    "GET /admin/releases",
    "GET /admin/releases/{id}",
    "GET /admin/releases/{id}/diff",
    "GET /admin/releases/{id}/openapi",
    "POST /admin/lifecycle/{service}",
    "POST /admin/releases",
    "POST /admin/releases/{id}/approve",
    "POST /admin/releases/{id}/publish",
    "POST /admin/releases/{id}/reject",
    "POST /admin/releases/{id}/rollback",
  ]);
  const ids = ops.map((o) => o.op.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const { op } of ops) {
    for (const r of Object.values(op.responses)) {
      const ref = (r as { $ref?: string }).$ref;
      if (ref !== undefined) expect(Object.keys(doc.components.responses)).toContain(ref.replace("#/components/responses/", ""));
    }
  }
});
