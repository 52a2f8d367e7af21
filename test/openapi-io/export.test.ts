import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PolicyInput, RouteInput, ServiceInput, type PolicyEntity, type PromptApi, type Route, type Service } from "../../src/config/entities.ts";
import type { ServiceContent } from "../../src/config/service-content.ts";
import { serviceOpenApi } from "../../src/openapi-io/export.ts";
import { loadSpec } from "../../src/openapi-io/spec.ts";
import { specIssues } from "../../src/openapi-io/validate-spec.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";
import { startIdentityAdmin, type IdentityServer } from "../control/identity-fixture.ts";
import { example } from "./specs.ts";

const META = { created_at: "2026-11-01T00:00:00.000Z", updated_at: "2026-11-01T00:00:00.000Z" };

function service(input: Record<string, unknown>): Service {
  return { ...ServiceInput.parse(input), id: "svc-1", ...META };
}

function route(id: string, input: Record<string, unknown>): Route {
  return { ...RouteInput.parse({ service_id: "svc-1", ...input }), id, ...META };
}

function policy(input: Record<string, unknown>): PolicyEntity {
  return { ...PolicyInput.parse(input), id: `pol-${String(input.name)}`, ...META };
}

type Doc = Record<string, any>;

async function valid(doc: object): Promise<void> {
  const loaded = loadSpec(doc);
  expect(loaded.ok).toBe(true);
  if (loaded.ok) expect(await specIssues(loaded.spec)).toEqual([]);
}

describe("serviceOpenApi (pure)", () => {
  const orders = {
    openapi: "3.1.0",
    info: { title: "orders", version: "1" },
    paths: {
      "/orders/{orderId}": {
        parameters: [{ name: "orderId", in: "path", required: true, schema: { type: "integer" } }],
        put: {
          summary: "Replace an order",
          parameters: [{ name: "dry", in: "query", schema: { type: "boolean" } }],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Order" } } } },
          responses: { "200": { description: "replaced" } },
        },
      },
    },
    components: { schemas: { Order: { type: "object", required: ["item"], properties: { item: { type: "string" } } } } },
  };
  const content: ServiceContent = {
    service: service({
      name: "shop",
      description: "The shop's API",
      auth: { mode: "key_or_jwt", locations: ["bearer", { header: "x-api-key" }, { query: "apikey" }] },
    }),
    routes: [
      route("r1", { name: "shop-orders", methods: ["GET", "POST"], paths: ["/orders"], prefix: false }),
      route("r2", { name: "shop-order", methods: ["PUT"], paths: ["/shop/orders/:id"], rewrite: "/orders/:id", prefix: false }),
      route("r3", { name: "shop-files", paths: ["/files/*"] }),
      route("r4", { name: "shop-ai", methods: ["POST"], paths: ["/ai"], prefix: true }),
    ],
    upstream: null,
    policies: [policy({ name: "shop-validation", kind: "openapi_validation", scope: "service", service_id: "svc-1", config: { spec: orders } })],
    prompt_apis: [
      {
        id: "p1",
        name: "summarize",
        service_id: "svc-1",
        path: "/summarize",
        description: "Summarizes text",
        version: "1.2.0",
        stream: "off",
        input_schema: { type: "object", properties: { text: { type: "string" } } },
        output_schema: { type: "object", properties: { summary: { type: "string" } } },
      },
      { name: "no-schema", path: "/broken" },
      // Partial documents, as a release read back from JSON may hold them.
    ] as unknown as PromptApi[],
  };

  test("routes become operations, with the policy's description, security schemes and prompt APIs", async () => {
    const doc = serviceOpenApi(content) as Doc;
    await valid(doc);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toEqual({ title: "shop", version: "unversioned", description: "The shop's API" });
    expect(Object.keys(doc.paths).sort()).toEqual(["/ai", "/ai/summarize", "/files/{rest}", "/orders", "/shop/orders/{id}"]);
    expect(doc.paths["/orders"].get.operationId).toBe("orders-get");
    expect(doc.paths["/orders"].post.operationId).toBe("orders-post");
    const put = doc.paths["/shop/orders/{id}"].put;
    expect(put.operationId).toBe("order");
    expect(put.summary).toBe("Replace an order");
    expect(put.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "string" } },
      { name: "dry", in: "query", schema: { type: "boolean" } },
    ]);
    expect(put.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Order" });
    expect(doc.components.schemas.Order.required).toEqual(["item"]);
    expect(Object.keys(doc.paths["/files/{rest}"]).sort()).toEqual(["delete", "get", "patch", "post", "put"]);
    expect(doc.components.securitySchemes).toEqual({
      bearer_api_key: { type: "http", scheme: "bearer", description: "an API key of a subscribed application" },
      "api_key_header_x-api-key": { type: "apiKey", in: "header", name: "x-api-key", description: "an API key of a subscribed application" },
      api_key_query_apikey: { type: "apiKey", in: "query", name: "apikey", description: "an API key of a subscribed application" },
      bearer_jwt: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "a JWT of a subscribed application" },
      "jwt_header_x-api-key": { type: "apiKey", in: "header", name: "x-api-key", description: "a JWT of a subscribed application" },
      jwt_query_apikey: { type: "apiKey", in: "query", name: "apikey", description: "a JWT of a subscribed application" },
    });
    expect(doc.security).toHaveLength(6);
    const prompt = doc.paths["/ai/summarize"].post;
    expect(prompt.operationId).toBe("prompt-summarize");
    expect(prompt.security).toBeUndefined();
    expect(prompt.requestBody.content["application/json"].schema.properties.text).toEqual({ type: "string" });
    expect(prompt.responses["200"].content["application/json"].schema.properties.output.properties.summary).toEqual({ type: "string" });
    expect(JSON.stringify(doc)).not.toContain("/broken");
  });

  test("an open service without policies or prompt APIs has no security and generic responses; the same content gives the same document", async () => {
    const plain: ServiceContent = { ...content, service: service({ name: "plain" }), policies: [], prompt_apis: [] };
    const doc = serviceOpenApi(plain) as Doc;
    await valid(doc);
    expect(doc.security).toBeUndefined();
    expect(doc.components).toBeUndefined();
    expect(doc.paths["/shop/orders/{id}"].put.responses).toEqual({ default: { description: "The upstream's response" } });
    expect(JSON.stringify(serviceOpenApi(plain))).toBe(JSON.stringify(doc));
  });
});

test("a 3.0 document given to the policy as YAML text describes operations in 3.1 terms", async () => {
  const yaml = [
    "openapi: 3.0.3",
    "info: {title: notes, version: '1'}",
    "paths:",
    "  /notes:",
    "    post:",
    "      summary: Add a note",
    "      requestBody:",
    "        content:",
    "          application/json:",
    "            schema: {type: object, properties: {text: {type: string, nullable: true}, stars: {type: integer, minimum: 0, exclusiveMinimum: true}}}",
    "      responses: {'201': {description: added}}",
  ].join("\n");
  const content: ServiceContent = {
    service: service({ name: "notes" }),
    routes: [route("n1", { name: "notes-add", methods: ["POST"], paths: ["/notes"], prefix: false })],
    upstream: null,
    policies: [policy({ name: "notes-validation", kind: "openapi_validation", scope: "service", service_id: "svc-1", config: { spec: yaml } })],
    prompt_apis: [],
  };
  const doc = serviceOpenApi(content) as Doc;
  await valid(doc);
  const op = doc.paths["/notes"].post;
  expect(op.summary).toBe("Add a note");
  expect(op.operationId).toBe("add");
  const schema = op.requestBody.content["application/json"].schema;
  expect(schema.properties.text).toEqual({ type: ["string", "null"] });
  expect(schema.properties.stars).toEqual({ type: "integer", exclusiveMinimum: 0 });
  expect(op.responses).toEqual({ "201": { description: "added" } });
});

describe("GET /admin/openapi/export and the round trip", () => {
  let store: Store;
  let api: IdentityServer;

  beforeAll(async () => {
    store = await openStore("sqlite::memory:");
    api = startIdentityAdmin(store, { services: { publicUrl: "https://api.example.com/" } });
  });
  afterAll(async () => {
    await api.stop();
    await store.close();
  });

  test("export → import of the export yields the same routes", async () => {
    const imported = await api.call("POST", "/admin/openapi/import", { spec: example("3.0/json/petstore.json"), service: "pets", target_url: "http://pets.internal:8080" });
    expect(imported.status).toBe(201);
    const exported = await api.call("GET", "/admin/openapi/export?service=pets");
    expect(exported.status).toBe(200);
    await valid(exported.body);
    expect(exported.body.servers).toEqual([{ url: "https://api.example.com", description: "The API gateway" }]);
    expect(Object.keys(exported.body.paths)).toHaveLength(14);

    const again = await api.call("POST", "/admin/openapi/import", { spec: exported.body, service: "pets", prune: true, dry_run: true });
    expect(again.status).toBe(200);
    expect(again.body.routes).toMatchObject({ created: [], updated: [], deleted: [], kept: [] });
    expect(again.body.routes.unchanged).toHaveLength(20);

    const copy = await api.call("POST", "/admin/openapi/import", { spec: exported.body, service: "pets-copy", upstream_id: "pets" });
    expect(copy.status).toBe(201);
    const shape = async (svc: string) => {
      const res = await api.call("GET", `/admin/routes?service_id=${svc}&limit=1000`);
      return (res.body.data as Route[]).map((r) => ({ name: r.name.slice(svc.length), methods: r.methods, paths: r.paths, prefix: r.prefix })).sort((a, b) => a.name.localeCompare(b.name));
    };
    expect(await shape("pets-copy")).toEqual(await shape("pets"));
  });

  test("export needs a visible service; members of other teams get 404", async () => {
    expect((await api.call("GET", "/admin/openapi/export")).status).toBe(400);
    expect((await api.call("GET", "/admin/openapi/export?service=nope")).status).toBe(404);
    expect((await api.call("POST", "/admin/openapi/export?service=pets")).status).toBe(405);
    const team = await api.call("POST", "/admin/teams", { name: "others" });
    const user = await api.user("outsider");
    await api.grant(user, team.body.id, "developer");
    const session = await api.login("outsider");
    expect((await api.call("GET", "/admin/openapi/export?service=pets", undefined, session)).status).toBe(404);
  });
});
