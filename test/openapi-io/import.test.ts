import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Route } from "../../src/config/entities.ts";
import { startIdentityAdmin, type IdentityServer } from "../control/identity-fixture.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { example, exampleText, operationsOf } from "./specs.ts";

let t: TestGateway;
let api: IdentityServer;
let upstream: FaultUpstream;

beforeAll(async () => {
  t = await startTestGateway();
  api = startIdentityAdmin(t.store);
  upstream = new FaultUpstream("petstore").start();
});
afterAll(async () => {
  upstream.stop();
  await api.stop();
  await t.gw.stop();
});

async function routesOf(service: string): Promise<Route[]> {
  const res = await api.call("GET", `/admin/routes?service_id=${service}&limit=1000`);
  expect(res.status).toBe(200);
  return res.body.data as Route[];
}

function summary(routes: readonly Route[]): string[] {
  return routes.map((r) => `${r.methods.join(",")} ${r.paths.join(",")}`).sort();
}

describe("importing real public descriptions", () => {
  test("Petstore (OpenAPI 3.0): one route per operation, path params, base path from the server URL", async () => {
    const spec = example("3.0/json/petstore.json");
    const res = await api.call("POST", "/admin/openapi/import", { spec, service: "petstore", target_url: upstream.url });
    expect(res.status).toBe(201);
    expect(res.body.spec).toEqual({ version: "3.0", operations: 20 });
    expect(res.body.service).toMatchObject({ name: "petstore", created: true, base_path: "/v2" });
    expect(res.body.upstream).toEqual({ name: "petstore", created: true });
    expect(res.body.routes.created).toHaveLength(20);
    const routes = await routesOf("petstore");
    expect(routes).toHaveLength(operationsOf(spec).length);
    const byName = new Map(routes.map((r) => [r.name, r]));
    expect(byName.get("petstore-getpetbyid")).toMatchObject({ methods: ["GET"], paths: ["/pet/:petId"], prefix: false });
    expect(byName.get("petstore-deletepet")).toMatchObject({ methods: ["DELETE"], paths: ["/pet/:petId"] });
    expect(byName.get("petstore-uploadfile")).toMatchObject({ methods: ["POST"], paths: ["/pet/:petId/uploadImage"] });
    expect(byName.get("petstore-loginuser")).toMatchObject({ methods: ["GET"], paths: ["/user/login"] });
    const expected = operationsOf(spec).map((op) => {
      const [method, path] = op.split(" ") as [string, string];
      return `${method} ${path.replace(/\{([^}]+)\}/g, ":$1")}`;
    });
    expect(summary(routes)).toEqual(expected.sort());
  });

  test("traffic reaches the upstream through imported routes, under the server's base path", async () => {
    await t.synced();
    const get = await fetch(`${t.url}/pet/42`);
    expect(get.status).toBe(200);
    const post = await fetch(`${t.url}/store/order`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"petId":42}' });
    expect(post.status).toBe(200);
    expect(upstream.seen.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v2/pet/42", "POST /v2/store/order"]);
    // Methods the description does not declare on a path are not routed.
    expect((await fetch(`${t.url}/store/order`, { method: "PATCH" })).status).toBe(405);
    expect(upstream.seen).toHaveLength(2);
  });

  test("Petstore (Swagger 2.0) from YAML text, with a gateway path prefix", async () => {
    const res = await api.call("POST", "/admin/openapi/import", {
      spec: exampleText("2.0/yaml/petstore.yaml"),
      service: "petstore-v2",
      upstream_id: "petstore",
      path_prefix: "/swagger-pets",
    });
    expect(res.status).toBe(201);
    expect(res.body.spec.version).toBe("2.0");
    const routes = await routesOf("petstore-v2");
    expect(routes.length).toBe(operationsOf(example("2.0/json/petstore.json")).length);
    const find = routes.find((r) => r.name === "petstore-v2-getpetbyid");
    expect(find).toMatchObject({ paths: ["/swagger-pets/pet/:petId"], rewrite: "/pet/:petId", methods: ["GET"] });
    await t.synced();
    const before = upstream.seen.length;
    expect((await fetch(`${t.url}/swagger-pets/pet/7`)).status).toBe(200);
    expect(upstream.seen.slice(before).map((r) => r.path)).toEqual(["/v2/pet/7"]);
  });

  test("a large real-world description (Star Trek API, 120 operations) and ReadMe's own API (OpenAPI 3.1)", async () => {
    const stapi = example("3.0/json/star-trek.json");
    const res = await api.call("POST", "/admin/openapi/import", { spec: stapi, service: "stapi", target_url: "http://stapi.example:8080" });
    expect(res.status).toBe(201);
    expect(res.body.routes.created).toHaveLength(operationsOf(stapi).length);
    expect(operationsOf(stapi).length).toBe(120);
    const routes = await routesOf("stapi");
    expect(routes).toHaveLength(120);
    expect(new Set(routes.map((r) => r.name)).size).toBe(120);
    const methods = new Set(routes.flatMap((r) => r.methods));
    expect([...methods].sort()).toEqual(["GET", "POST"]);
    expect(res.body.service.base_path).toBe("/api/v1/rest");

    const readme = example("3.1/json/readme.json");
    const r2 = await api.call("POST", "/admin/openapi/import", { spec: readme, service: "readme-api", target_url: "https://api.readme.example" });
    expect(r2.status).toBe(201);
    expect(r2.body.spec.version).toBe("3.1");
    const readmeRoutes = await routesOf("readme-api");
    expect(readmeRoutes).toHaveLength(operationsOf(readme).length);
    const withParams = readmeRoutes.filter((r) => r.paths[0]?.includes(":"));
    expect(withParams.length).toBeGreaterThan(10);
    for (const r of withParams) expect(r.paths[0]).toMatch(/^(\/[^{}]*)+$/);
    expect(summary(readmeRoutes)).toContain("DELETE /branches/:branch/categories/:section/:title");
  });
});

describe("bad descriptions are refused with the places of their problems", () => {
  async function importing(spec: unknown) {
    return api.call("POST", "/admin/openapi/import", { spec, service: "broken", target_url: "http://x.example" });
  }

  test("schema violations name their paths", async () => {
    const res = await importing({
      openapi: "3.0.3",
      info: { title: "t" },
      paths: { "/b": { post: { parameters: [{ name: "q", in: "nowhere" }], responses: { "200": { description: "ok" } } } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    const paths = (res.body.error.details as Array<{ path: string }>).map((d) => d.path);
    expect(paths).toContain("spec.info");
    expect(paths).toContain('spec.paths["/b"].post.parameters[0].in');
  });

  test("rule violations (undeclared path parameter, duplicate operationId, dangling $ref) name their paths", async () => {
    const res = await importing({
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {
        "/a/{id}": { get: { operationId: "same", responses: { "200": { description: "ok" } } } },
        "/b": { get: { operationId: "same", responses: { "200": { description: "ok" } } } },
      },
    });
    expect(res.status).toBe(400);
    const details = res.body.error.details as Array<{ path: string; message: string }>;
    expect(details.find((d) => d.message.includes("missing path parameter"))?.path).toBe('spec.paths["/a/{id}"].get');
    expect(details.find((d) => d.message.includes("duplicated"))?.path).toBe('spec.paths["/a/{id}"].get.operationId');

    const dangling = await importing({
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: { "/a": { get: { responses: { "200": { $ref: "#/components/responses/missing" } } } } },
    });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error.details[0].path).toBe('spec.paths["/a"].get.responses["200"].$ref');
  });

  test("external references, unsupported versions, unparsable text and Swagger 2.0 with request validation", async () => {
    const external = await importing({
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: { "/a": { get: { responses: { "200": { $ref: "https://example.com/responses.json#/ok" } } } } },
    });
    expect(external.status).toBe(400);
    expect(external.body.error.details[0]).toMatchObject({ path: 'spec.paths["/a"].get.responses["200"].$ref' });
    const v32 = await importing({ openapi: "4.0.0", info: { title: "t", version: "1" }, paths: {} });
    expect(v32.body.error.details[0].path).toBe("spec.openapi");
    const text = await importing("openapi: [unclosed");
    expect(text.status).toBe(400);
    expect(text.body.error.details[0].path).toBe("spec");
    const swagger = await api.call("POST", "/admin/openapi/import", { spec: example("2.0/json/petstore.json"), service: "broken", target_url: "http://x.example", validate_requests: true });
    expect(swagger.status).toBe(400);
    expect(swagger.body.error.details[0].path).toBe("validate_requests");
    expect((await api.call("GET", "/admin/services/broken")).status).toBe(404);
  });

  test("a new service needs exactly one of upstream_id and target_url", async () => {
    const res = await api.call("POST", "/admin/openapi/import", { spec: example("3.0/json/petstore.json"), service: "no-upstream" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect((await api.call("GET", "/admin/services/no-upstream")).status).toBe(404);
  });
});

describe("updating a service from a changed description", () => {
  const base = () => ({
    openapi: "3.1.0",
    info: { title: "Orders", version: "1.0.0", description: "Order handling" },
    servers: [{ url: "https://orders.example/api" }],
    paths: {
      "/orders": {
        get: { operationId: "listOrders", responses: { "200": { description: "ok" } } },
        post: { operationId: "createOrder", responses: { "201": { description: "created" } } },
      },
      "/orders/{orderId}": {
        parameters: [{ name: "orderId", in: "path", required: true, schema: { type: "string" } }],
        get: { operationId: "getOrder", responses: { "200": { description: "ok" } } },
      },
    } as Record<string, unknown>,
  });

  test("create, dry-run update, update, prune — each with its plan", async () => {
    const first = await api.call("POST", "/admin/openapi/import", { spec: base(), service: "orders", target_url: upstream.url });
    expect(first.status).toBe(201);
    expect(first.body.service.base_path).toBe("/api");
    // A route added by hand is the service's own: kept unless pruned.
    expect((await api.call("POST", "/admin/routes", { name: "orders-health", service_id: "orders", paths: ["/healthz"] })).status).toBe(201);

    const changed = base();
    const orderPath = changed.paths["/orders/{orderId}"] as Record<string, unknown>;
    orderPath.delete = { operationId: "cancelOrder", responses: { "204": { description: "gone" } } };
    changed.paths["/orders/{id}"] = { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], put: { operationId: "createOrder", responses: { "200": { description: "ok" } } } };
    (changed.paths["/orders"] as Record<string, unknown>).post = undefined;
    changed.paths["/orders"] = { get: (changed.paths["/orders"] as Record<string, unknown>).get };

    const dry = await api.call("POST", "/admin/openapi/import", { spec: changed, service: "orders", dry_run: true, prune: true });
    expect(dry.status).toBe(200);
    expect(dry.body.dry_run).toBe(true);
    expect(dry.body.routes.created.map((r: { name: string }) => r.name)).toEqual(["orders-cancelorder"]);
    expect(dry.body.routes.updated).toEqual([{ name: "orders-createorder", method: "PUT", path: "/orders/:id" }]);
    expect(dry.body.routes.unchanged.sort()).toEqual(["orders-getorder", "orders-listorders"]);
    expect(dry.body.routes.deleted).toEqual(["orders-health"]);
    const revision = await t.store.revision();
    const untouched = await routesOf("orders");
    expect(untouched).toHaveLength(4);
    expect(await t.store.revision()).toBe(revision);

    const applied = await api.call("POST", "/admin/openapi/import", { spec: changed, service: "orders" });
    expect(applied.status).toBe(200);
    expect(applied.body.routes.deleted).toEqual([]);
    expect(applied.body.routes.kept).toEqual(["orders-health"]);
    expect(summary(await routesOf("orders"))).toEqual(["DELETE /orders/:orderId", "GET /orders", "GET /orders/:orderId", "PUT /orders/:id", " /healthz"].sort());

    const pruned = await api.call("POST", "/admin/openapi/import", { spec: changed, service: "orders", prune: true });
    expect(pruned.body.routes.deleted).toEqual(["orders-health"]);
    expect(pruned.body.routes.unchanged).toHaveLength(4);
    expect((await routesOf("orders")).map((r) => r.name)).not.toContain("orders-health");
  });

  test("the import is one transaction: a route name taken by another service fails it and changes nothing", async () => {
    expect((await api.call("POST", "/admin/services", { name: "squatter" })).status).toBe(201);
    expect((await api.call("POST", "/admin/routes", { name: "orders2-getorder", service_id: "squatter", paths: ["/x"] })).status).toBe(201);
    const res = await api.call("POST", "/admin/openapi/import", { spec: base(), service: "orders2", target_url: upstream.url });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("conflict");
    expect((await api.call("GET", "/admin/services/orders2")).status).toBe(404);
    expect((await api.call("GET", "/admin/upstreams/orders2")).status).toBe(404);
  });

  test("validate_requests attaches an openapi_validation policy the gateway enforces, refreshed by later imports", async () => {
    const spec = base();
    const orders = spec.paths["/orders"] as Record<string, Record<string, unknown>>;
    (orders.post as Record<string, unknown>).requestBody = {
      required: true,
      content: { "application/json": { schema: { type: "object", required: ["item"], properties: { item: { type: "string" } } } } },
    };
    const res = await api.call("POST", "/admin/openapi/import", { spec, service: "orders3", target_url: upstream.url, validate_requests: true, path_prefix: "/o3" });
    expect(res.status).toBe(201);
    expect(res.body.policy).toEqual({ name: "orders3-openapi-validation", action: "create" });
    await t.synced();
    const before = upstream.seen.length;
    const post = (body: string) => fetch(`${t.url}/o3/orders`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const bad = await post('{"item": 5}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("request_validation_failed");
    expect((await post('{"item": "book"}')).status).toBe(200);
    expect(upstream.seen.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/orders"]);
    const again = await api.call("POST", "/admin/openapi/import", { spec, service: "orders3", validate_requests: true, path_prefix: "/o3" });
    expect(again.body.policy).toEqual({ name: "orders3-openapi-validation", action: "unchanged" });
    const policy = await api.call("GET", "/admin/policies/orders3-openapi-validation");
    expect(policy.body).toMatchObject({ kind: "openapi_validation", scope: "service" });

    // A changed document refreshes the policy's document and keeps its other settings.
    expect((await api.call("PATCH", "/admin/policies/orders3-openapi-validation", { config: { unknown_operation: "allow" } })).status).toBe(200);
    (orders.get as Record<string, unknown>).summary = "List orders";
    const refreshed = await api.call("POST", "/admin/openapi/import", { spec, service: "orders3", validate_requests: true, path_prefix: "/o3" });
    expect(refreshed.body.policy).toEqual({ name: "orders3-openapi-validation", action: "update" });
    const after = await api.call("GET", "/admin/policies/orders3-openapi-validation");
    expect(after.body.config.unknown_operation).toBe("allow");
    expect(after.body.config.spec.paths["/orders"].get.summary).toBe("List orders");
  });
});
