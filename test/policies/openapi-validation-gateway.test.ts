/**
 * openapi_validation through a running gateway: matching by the path the
 * upstream receives, bodies passed on byte for byte, refusals in the
 * gateway's error format that never reach the upstream, size limits, route
 * policies overriding service ones, and the policy written in waygate.yaml.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { applyConfig } from "../../src/config/file/apply.ts";
import { exportConfig } from "../../src/config/file/export.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import { openStore } from "../../src/store/open.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

interface ErrorBody {
  error: { code: string; message: string; request_id?: string; details?: Array<{ path: string; message: string }> };
}

// The upstream's own description: it serves /api/v1/..., which the servers entry says.
const ORDERS_API = {
  openapi: "3.0.3",
  info: { title: "orders", version: "1" },
  servers: [{ url: "https://orders.internal/api/v1" }],
  paths: {
    "/orders": {
      post: {
        parameters: [{ name: "dry_run", in: "query", schema: { type: "boolean" } }],
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Order" } } } },
      },
    },
    "/orders/{id}": { get: { parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }] } },
  },
  components: {
    schemas: {
      Order: {
        type: "object",
        required: ["items"],
        properties: {
          coupon: { type: "string", nullable: true },
          items: { type: "array", minItems: 1, items: { type: "object", required: ["sku", "price"], properties: { sku: { type: "string" }, price: { type: "number", minimum: 0 } } } },
        },
      },
    },
  },
};

const up = new FaultUpstream("openapi").start();
let g: TestGateway;

beforeAll(async () => {
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  const shop = await g.create("services", { name: "shop", upstream_id: u.id, base_path: "/api", max_request_body_bytes: 2048 });
  await g.create("routes", { name: "shop", service_id: shop.id, paths: ["/shop"], strip_path: true });
  const admin = await g.create("routes", { name: "shop-admin", service_id: shop.id, paths: ["/shop-admin"], strip_path: true });
  await g.create("policies", { name: "shop-api", kind: "openapi_validation", scope: "service", service_id: shop.id, config: { spec: ORDERS_API } });
  // The route's own document replaces the service's: only GET /v1/stats exists there.
  const stats = { openapi: "3.1.0", info: { title: "admin", version: "1" }, paths: { "/api/v1/stats": { get: {} } } };
  await g.create("policies", { name: "admin-api", kind: "openapi_validation", scope: "route", route_id: admin.id, config: { spec: stats, unknown_operation: "reject" } });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

async function post(path: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }): Promise<Response> {
  return fetch(`${g.url}${path}`, { method: "POST", headers, body });
}

describe("openapi_validation through the gateway", () => {
  test("a valid request reaches the upstream with the very bytes the client sent", async () => {
    const text = '{ "items": [ {"sku": "größe-1", "price": 1.50} ],\n  "coupon": null }';
    const before = up.seen.length;
    const res = await post("/shop/v1/orders?dry_run=true", text);
    expect(res.status).toBe(200);
    expect(up.seen.length).toBe(before + 1);
    const seen = up.seen.at(-1)!;
    // Matched by the upstream's path: strip_path removed /shop, base_path added /api, the server's /api/v1 is the base.
    expect(seen.path).toBe("/api/v1/orders?dry_run=true");
    expect(seen.body).toBe(text);
  });

  test("a streamed (chunked) body is validated and passed on as well", async () => {
    const text = JSON.stringify({ items: [{ sku: "a", price: 2 }] });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        const bytes = new TextEncoder().encode(text);
        c.enqueue(bytes.subarray(0, 5));
        c.enqueue(bytes.subarray(5));
        c.close();
      },
    });
    const res = await fetch(`${g.url}/shop/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: stream });
    expect(res.status).toBe(200);
    expect(up.seen.at(-1)!.body).toBe(text);
  });

  test("an invalid request is 400 request_validation_failed listing every failing place, and never reaches the upstream", async () => {
    const before = up.seen.length;
    const res = await post("/shop/v1/orders?dry_run=perhaps", JSON.stringify({ coupon: 3, items: [{ sku: "a", price: -1 }, { price: 2 }] }));
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("request_validation_failed");
    expect(body.error.request_id).toBe(res.headers.get("x-request-id") ?? "missing");
    expect(body.error.message).toContain("POST /orders");
    expect(body.error.details).toEqual([
      { path: "query.dry_run", message: "must be boolean" },
      { path: "body.coupon", message: "must be string or null" },
      { path: "body.items[0].price", message: "must be >= 0" },
      { path: "body.items[1].sku", message: "is required" },
    ]);
    expect(up.seen.length).toBe(before);
    const record = await g.record(res.headers.get("x-request-id")!);
    expect([record.status, record.error_code]).toEqual([400, "request_validation_failed"]);
  });

  test("path parameters, wrong Content-Type, unknown paths and methods", async () => {
    const id = await fetch(`${g.url}/shop/v1/orders/abc`);
    expect(id.status).toBe(400);
    expect(((await id.json()) as ErrorBody).error.details).toEqual([{ path: "path.id", message: "must be integer" }]);
    expect((await fetch(`${g.url}/shop/v1/orders/12`)).status).toBe(200);
    const type = await post("/shop/v1/orders", "items=1", { "content-type": "application/x-www-form-urlencoded" });
    expect(((await type.json()) as ErrorBody).error.details?.map((d) => d.path)).toEqual(["header.content-type"]);
    const unknown = await fetch(`${g.url}/shop/v1/refunds`);
    expect([unknown.status, ((await unknown.json()) as ErrorBody).error.code]).toEqual([404, "route_not_found"]);
    const method = await fetch(`${g.url}/shop/v1/orders/12`, { method: "DELETE" });
    expect([method.status, method.headers.get("allow")]).toEqual([405, "GET"]);
  });

  test("a body over the service's limit is 413 before it is validated", async () => {
    const big = JSON.stringify({ items: [{ sku: "x".repeat(4000), price: 1 }] });
    const res = await post("/shop/v1/orders", big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe("payload_too_large");
  });

  test("a route's document overrides the service's", async () => {
    expect((await fetch(`${g.url}/shop-admin/v1/stats`)).status).toBe(200);
    // Valid for the service's document, but the route's does not describe it.
    expect((await fetch(`${g.url}/shop-admin/v1/orders/12`)).status).toBe(404);
  });
});

const YAML = `version: 1
upstreams:
  - name: backend
    targets: [{ url: "${up.url}" }]
services:
  - name: pets
    upstream: backend
    routes:
      - name: pets-api
        paths: [/pets]
policies:
  - name: pets-contract
    kind: openapi_validation
    scope: route
    route: pets-api
    config:
      unknown_operation: allow
      spec:
        openapi: 3.1.0
        info: { title: pets, version: "1" }
        paths:
          /pets:
            get:
              parameters:
                - name: limit
                  in: query
                  schema: { type: integer, maximum: 50 }
            post:
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [name]
                      properties:
                        name: { type: string }
                        tag: { type: [string, "null"] }
`;

describe("openapi_validation in waygate.yaml", () => {
  test("the example in docs/policies.md is a valid file", async () => {
    const doc = await Bun.file(new URL("../../docs/policies.md", import.meta.url)).text();
    const section = doc.slice(doc.indexOf("### openapi_validation"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const file = `version: 1\nservices:\n  - name: orders\n    routes:\n      - name: orders-api\n        paths: [/orders]\n${example}`;
    const r = validateConfig(file, {});
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.policies[0]?.config.unknown_operation).toBe("reject");
  });

  test("a broken document is reported at its place in the file", () => {
    const broken = YAML.replace("in: query", "in: body");
    const r = validateConfig(broken, {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.path, e.message])).toEqual([['policies[0].config.spec.paths["/pets"].get.parameters[0].in', "must be one of path, query, header, cookie"]]);
    }
  });

  test("a document given as a YAML block string works the same, and its problems are named in the message", () => {
    const asText = YAML.replace("      spec:\n", "      spec: |\n");
    const r = validateConfig(asText, {});
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(typeof r.config.policies[0]?.config.spec).toBe("string");
    const broken = validateConfig(asText.replace("in: query", "in: body"), {});
    expect(broken.ok ? [] : broken.errors.map((e) => [e.path, e.message])).toEqual([["policies[0].config.spec", "at paths./pets.get.parameters.0.in: must be one of path, query, header, cookie"]]);
  });

  test("applied from the file, the policy validates traffic", async () => {
    const r = validateConfig(YAML, {});
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    await applyConfig(g.store, r.config);
    await g.synced();
    expect((await fetch(`${g.url}/pets?limit=10`)).status).toBe(200);
    const over = await fetch(`${g.url}/pets?limit=51`);
    expect(((await over.json()) as ErrorBody).error.details).toEqual([{ path: "query.limit", message: "must be <= 50" }]);
    const bad = await post("/pets", JSON.stringify({ tag: 1 }));
    expect(((await bad.json()) as ErrorBody).error.details?.map((d) => d.path)).toEqual(["body.name", "body.tag"]);
    expect((await post("/pets", JSON.stringify({ name: "rex", tag: null }))).status).toBe(200);
    // unknown_operation: allow
    expect((await fetch(`${g.url}/pets/7`)).status).toBe(200);
  });

  test("exported and applied again, the document comes back the same", async () => {
    const r = validateConfig(YAML, {});
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const store = await openStore("sqlite::memory:");
    try {
      await applyConfig(store, r.config);
      const text = await exportConfig(store);
      const again = validateConfig(text, {});
      if (!again.ok) throw new Error(JSON.stringify(again.errors));
      expect(again.config.policies[0]?.config).toEqual(r.config.policies[0]!.config);
      expect((await applyConfig(store, again.config)).changed).toBe(false);
    } finally {
      await store.close();
    }
  });
});
