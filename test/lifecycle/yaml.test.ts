/**
 * The lifecycle in the declarative file (and so in DB-less mode): a
 * service declared deprecated with a successor by name is served with the
 * deprecation headers, a retired one answers 410, an unknown successor is
 * a validation error, and export writes the successor back by name.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { applyConfig } from "../../src/config/file/apply.ts";
import { exportConfig } from "../../src/config/file/export.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import { type LifecycleEnv, startLifecycleEnv } from "./fixture.ts";

let env: LifecycleEnv;

function yaml(upstream: string, successor = "catalog-v2"): string {
  return `version: 1
upstreams:
  - name: catalog-up
    targets:
      - url: ${upstream}
services:
  - name: catalog-v1
    upstream: catalog-up
    version: 1.4.2
    lifecycle: deprecated
    deprecated_at: "2026-01-01T00:00:00Z"
    sunset_at: "2026-12-31T00:00:00Z"
    successor_service: ${successor}
    routes:
      - name: catalog-v1-route
        paths: [/catalog/v1]
  - name: catalog-v2
    upstream: catalog-up
    version: 2.0.0
    routes:
      - name: catalog-v2-route
        paths: [/catalog/v2]
  - name: catalog-v0
    upstream: catalog-up
    lifecycle: retired
    successor_service: catalog-v2
    routes:
      - name: catalog-v0-route
        paths: [/catalog/v0]
`;
}

beforeAll(async () => {
  env = await startLifecycleEnv();
});

afterAll(async () => {
  await env.stop();
});

test("lifecycle fields and the successor by name apply from the file and show on the wire", async () => {
  const checked = validateConfig(yaml(env.a.url), {});
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  await applyConfig(env.store, checked.config);
  await env.synced();

  const deprecated = await env.get("/catalog/v1/items");
  expect(deprecated.status).toBe(200);
  expect(deprecated.headers.get("deprecation")).toBe("@1767225600");
  expect(deprecated.headers.get("sunset")).toBe("Thu, 31 Dec 2026 00:00:00 GMT");
  expect(deprecated.headers.get("link")).toContain('</catalog/v2>; rel="successor-version"');

  const retired = await env.get("/catalog/v0/items");
  expect(retired.status).toBe(410);
  expect(((await retired.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "api_retired", message: expect.stringContaining("catalog-v2") });

  const exported = await exportConfig(env.store);
  expect(exported).toContain("successor_service: catalog-v2");
  expect(exported).not.toContain("successor_service_id");
});

test("a successor that the file does not declare is a validation error at its place", () => {
  const checked = validateConfig(yaml(env.a.url, "catalog-v9"), {});
  expect(checked.ok).toBe(false);
  if (checked.ok) return;
  expect(checked.errors.map((e) => e.path)).toContain("services[0].successor_service");
});
