/**
 * openapi_validation against fake contexts: what a document compiles to
 * (and which documents are refused, with their places), and what every kind
 * of request failure reports.
 */
import { describe, expect, spyOn, test } from "bun:test";
import Ajv2020 from "ajv/dist/2020.js";
import { WaygateError } from "../../src/core/errors.ts";
import type { FieldIssue } from "../../src/core/errors.ts";
import { checkPolicy } from "../../src/policies/entity.ts";
import { kind } from "../../src/policies/openapi-validation/index.ts";
import type { Policy } from "../../src/policies/policy.ts";
import { BUILD_CTX, type FakeRequest, NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

type Doc = Record<string, unknown>;

function build(spec: Doc | string, extra: Record<string, unknown> = {}): Policy {
  return kind.build(kind.schema.parse({ spec, ...extra }), BUILD_CTX);
}

interface Outcome {
  status: number;
  code: string;
  details: FieldIssue[];
  allow?: string | null;
}

async function run(p: Policy, req: FakeRequest): Promise<Outcome | "pass"> {
  const v = await p.onRequest!(fakeContext(req), NO_SNAPSHOT);
  if (v === undefined) return "pass";
  if (v instanceof WaygateError) return { status: v.status, code: v.code, details: v.details ?? [] };
  const body = (await v.json()) as { error: { code: string; details?: FieldIssue[] } };
  return { status: v.status, code: body.error.code, details: body.error.details ?? [], allow: v.headers.get("allow") };
}

async function failures(p: Policy, req: FakeRequest): Promise<string[]> {
  const out = await run(p, req);
  if (out === "pass") return [];
  expect(out.status).toBe(400);
  expect(out.code).toBe("request_validation_failed");
  return out.details.map((d) => d.path);
}

function problems(spec: unknown): Array<[string, string]> {
  const r = kind.schema.safeParse({ spec });
  if (r.success) return [];
  return r.error.issues.map((i) => [i.path.join("."), i.message]);
}

const ITEM_30 = {
  type: "object",
  // id is required in responses only: it is readOnly.
  required: ["id", "name", "items"],
  properties: {
    id: { type: "integer", readOnly: true },
    name: { type: "string", minLength: 1 },
    note: { type: "string", nullable: true },
    owner: { allOf: [{ $ref: "#/components/schemas/Owner" }], nullable: true },
    items: { type: "array", items: { $ref: "#/components/schemas/Line" } },
  },
  additionalProperties: false,
};

const DOC_30: Doc = {
  openapi: "3.0.3",
  info: { title: "orders", version: "1" },
  servers: [{ url: "https://api.example.com/{version}", variables: { version: { default: "v1" } } }],
  paths: {
    "/orders": {
      get: {
        parameters: [
          { $ref: "#/components/parameters/Limit" },
          { name: "status", in: "query", schema: { type: "array", items: { type: "string", enum: ["open", "closed"] } } },
          { name: "ids", in: "query", explode: false, schema: { type: "array", items: { type: "integer" } } },
          { name: "flag", in: "query", schema: { type: "boolean" } },
          { name: "X-Trace", in: "header", required: true, schema: { type: "string", pattern: "^t-[0-9]+$" } },
          { name: "Accept", in: "header", required: true, schema: { type: "string" } },
        ],
      },
      post: {
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/Item" } },
            "application/x-www-form-urlencoded": {
              schema: { type: "object", required: ["name"], properties: { name: { type: "string" }, qty: { type: "integer", minimum: 1 }, tags: { type: "array", items: { type: "string" } } } },
            },
          },
        },
      },
    },
    "/orders/{id}": {
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
      get: { parameters: [{ name: "session", in: "cookie", schema: { type: "string", minLength: 8 } }] },
      delete: {},
    },
    "/orders/summary": { get: {} },
    "/files/{name}.{ext}": {
      get: {
        parameters: [
          { name: "name", in: "path", required: true, schema: { type: "string" } },
          { name: "ext", in: "path", required: true, schema: { type: "string", enum: ["png", "jpg"] } },
        ],
      },
    },
    "/upload": { put: { requestBody: { content: { "image/*": {} } } } },
  },
  components: {
    parameters: { Limit: { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, exclusiveMaximum: true } } },
    schemas: {
      Item: ITEM_30,
      Owner: { type: "object", required: ["email"], properties: { email: { type: "string", format: "email" } } },
      Line: { type: "object", required: ["sku", "price"], properties: { sku: { type: "string" }, price: { type: "number", minimum: 0, exclusiveMinimum: true }, qty: { type: "integer", format: "int32" } } },
    },
  },
};

const DOC_31: Doc = {
  openapi: "3.1.0",
  info: { title: "orders", version: "1" },
  paths: {
    "/orders": {
      post: {
        requestBody: { required: true, content: { "application/merge-patch+json": { schema: { $ref: "#/components/schemas/Patch" } } } },
      },
    },
  },
  components: {
    schemas: {
      Patch: {
        type: "object",
        properties: {
          note: { type: ["string", "null"], maxLength: 10 },
          tags: { type: "array", prefixItems: [{ const: "first" }], items: { type: "string" } },
          rank: { $ref: "#/components/schemas/Rank", description: "siblings of $ref apply in 3.1" },
        },
        unevaluatedProperties: false,
      },
      Rank: { type: "integer", exclusiveMinimum: 0 },
    },
  },
};

const json = (body: unknown) => ({ "content-type": "application/json", "content-length": String(JSON.stringify(body).length) });
const GOOD_ITEM = { name: "widget", items: [{ sku: "a", price: 2.5, qty: 3 }] };
const API = "http://gateway.test/v1";

describe("openapi_validation: documents", () => {
  test("valid 3.0 and 3.1 documents compile, inline or as YAML/JSON text", () => {
    expect(problems(DOC_30)).toEqual([]);
    expect(problems(DOC_31)).toEqual([]);
    expect(problems(JSON.stringify(DOC_31))).toEqual([]);
    const yaml = ["openapi: 3.1.0", "info: {title: t, version: '1'}", "paths:", "  /ping:", "    get: {}"].join("\n");
    expect(problems(yaml)).toEqual([]);
    expect(kind.combine).toBe("override");
  });

  test("not an OpenAPI 3.x document", () => {
    expect(problems({ swagger: "2.0", paths: {} })).toEqual([["spec.openapi", "must be an OpenAPI 3.0.x or 3.1.x version, not Swagger 2.0"]]);
    expect(problems({ openapi: "3.2" })[0]?.[0]).toBe("spec.openapi");
    expect(problems("openapi: [unclosed")[0]?.[1]).toStartWith("not valid YAML or JSON");
    expect(problems("- a list")).toEqual([["spec", "must be an OpenAPI document (an object)"]]);
  });

  test("every problem of a broken document is reported at its place", () => {
    const doc = {
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {
        "/a/{id}": {
          get: {
            parameters: [
              { name: "x", in: "body", schema: { type: "string" } },
              { name: "id", in: "path", schema: { type: "integer" } },
              { name: "q", in: "query", style: "matrix", schema: { type: "string" } },
            ],
          },
        },
        "/b": { post: { requestBody: { content: {} } } },
        "/d/{key}": { parameters: [{ name: "key", in: "path", schema: { type: "string" } }], get: {}, put: {} },
        "/e/{key}": { get: {} },
        c: { get: {} },
      },
      components: { schemas: { Bad: { type: "strnig", properties: { n: { minLength: -1 } } } } },
    };
    // Schemas are checked first; the order among places does not matter.
    expect(problems(doc).sort()).toEqual([
      ["spec.components.schemas.Bad.type", "must be equal to one of the allowed values: array, boolean, integer, null, number, object, string"],
      ["spec.components.schemas.Bad.properties.n.minLength", "must be >= 0"],
      ["spec.paths./a/{id}.get.parameters.0.in", "must be one of path, query, header, cookie"],
      ["spec.paths./a/{id}.get.parameters.1.required", "must be true for a path parameter"],
      ["spec.paths./a/{id}.get.parameters.2.style", "style 'matrix' is not valid in query; use form, spaceDelimited, pipeDelimited, deepObject"],
      ["spec.paths./b.post.requestBody.content", "must name at least one media type"],
      ["spec.paths./d/{key}.parameters.0.required", "must be true for a path parameter"],
      ["spec.paths./e/{key}.get", "the path variable 'key' has no path parameter"],
      ["spec.paths.c", "a path must start with '/'"],
    ].sort() as Array<[string, string]>);
  });

  test("references that do not resolve", () => {
    const doc = {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: {
        "/a": {
          get: { parameters: [{ $ref: "#/components/parameters/Missing" }, { $ref: "other.yaml#/P" }] },
          post: { requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Nope" } } } } },
        },
      },
    };
    const found = problems(doc);
    expect(found[0]).toEqual(["spec.paths./a.get.parameters.0.$ref", "'#/components/parameters/Missing' does not resolve inside the document"]);
    expect(found[1]).toEqual(["spec.paths./a.get.parameters.1.$ref", "only references inside the document ('#/...') are supported, not 'other.yaml#/P'"]);
    expect(found[2]?.[0]).toBe("spec.paths./a.post.requestBody.content.application/json.schema");
    expect(found[2]?.[1]).toContain("#/components/schemas/Nope");
    expect(found).toHaveLength(3);
  });

  test("a document given as text reports the places inside its message", () => {
    const text = JSON.stringify({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths: { "/a": { get: { parameters: [{ name: "x", in: "nowhere" }] } } } });
    expect(problems(text)).toEqual([["spec", "at paths./a.get.parameters.0.in: must be one of path, query, header, cookie"]]);
  });

  test("the admin API and the YAML loader report the same paths through checkPolicy", () => {
    const checked = checkPolicy({ kind: "openapi_validation", scope: "global", config: { spec: { openapi: "3.0.0", info: {}, paths: { "/a": { get: { parameters: [{ name: "n", in: "query" }] } } } } } });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues).toEqual([{ path: "config.spec.paths./a.get.parameters.0", message: "needs a schema or a content map" }]);
    const ok = checkPolicy({ kind: "openapi_validation", scope: "global", config: { spec: DOC_31 } });
    expect(ok.ok && ok.config.unknown_operation).toBe("reject");
  });

  test("settings beyond the document are refused", () => {
    expect(kind.schema.safeParse({ spec: DOC_31, unknown_operation: "maybe" }).success).toBe(false);
    expect(kind.schema.safeParse({ spec: DOC_31, extra: 1 }).success).toBe(false);
    expect(kind.schema.safeParse({}).success).toBe(false);
  });
});

describe("openapi_validation: requests", () => {
  const p = build(DOC_30);
  const trace = { "x-trace": "t-1", accept: "application/json" };

  test("a valid request passes; the servers' base path is stripped before matching", async () => {
    expect(await run(p, { url: `${API}/orders?limit=5&status=open&status=closed&ids=1,2,3&flag=true`, headers: trace })).toBe("pass");
    expect(await run(p, { url: `${API}/orders/7`, headers: { cookie: "session=abcdefgh12" } })).toBe("pass");
    expect(await run(p, { method: "POST", url: `${API}/orders`, headers: json(GOOD_ITEM), body: JSON.stringify(GOOD_ITEM) })).toBe("pass");
    expect(await run(p, { url: `${API}/files/logo.png` })).toBe("pass");
  });

  test("query parameters are coerced from strings and every failing one is named", async () => {
    expect(await failures(p, { url: `${API}/orders?limit=abc&status=pending&ids=1,x&flag=maybe`, headers: trace })).toEqual([
      "query.limit",
      "query.status[0]",
      "query.ids[1]",
      "query.flag",
    ]);
    // exclusiveMaximum: true in 3.0 turns maximum 100 into an exclusive bound.
    expect(await failures(p, { url: `${API}/orders?limit=100`, headers: trace })).toEqual(["query.limit"]);
    expect(await failures(p, { url: `${API}/orders?limit=99`, headers: trace })).toEqual([]);
    expect(await failures(p, { url: `${API}/orders?limit=0`, headers: trace })).toEqual(["query.limit"]);
  });

  test("required headers, matched case-insensitively; Accept is not a parameter", async () => {
    expect(await failures(p, { url: `${API}/orders` })).toEqual(["header.x-trace"]);
    expect(await failures(p, { url: `${API}/orders`, headers: { "X-TRACE": "nope" } })).toEqual(["header.x-trace"]);
    const out = await run(p, { url: `${API}/orders` });
    expect(out !== "pass" && out.details).toEqual([{ path: "header.x-trace", message: "is required" }]);
  });

  test("path parameters, including several in one segment, and cookies", async () => {
    expect(await failures(p, { url: `${API}/orders/0` })).toEqual(["path.id"]);
    expect(await failures(p, { url: `${API}/orders/abc` })).toEqual(["path.id"]);
    expect(await failures(p, { url: `${API}/files/logo.gif` })).toEqual(["path.ext"]);
    expect(await failures(p, { url: `${API}/orders/3`, headers: { cookie: "theme=dark; session=short" } })).toEqual(["cookie.session"]);
  });

  test("a concrete path wins over a template", async () => {
    // /orders/summary would be an invalid id; it is its own operation.
    expect(await run(p, { url: `${API}/orders/summary` })).toBe("pass");
  });

  test("JSON bodies: $ref, nested paths, nullable (3.0), readOnly, additionalProperties", async () => {
    const body = { id: 9, name: "", note: null, owner: null, items: [{ sku: "a", price: 0 }, { price: "1", qty: 2 ** 40 }], extra: true };
    expect(await failures(p, { method: "POST", url: `${API}/orders`, headers: json(body), body: JSON.stringify(body) })).toEqual([
      "body.extra",
      "body.name",
      "body.items[0].price",
      "body.items[1].sku",
      "body.items[1].price",
      "body.items[1].qty",
    ]);
    const owner = { ...GOOD_ITEM, owner: { email: "not-an-email" }, note: 5 };
    const out = await run(p, { method: "POST", url: `${API}/orders`, headers: json(owner), body: JSON.stringify(owner) });
    expect(out !== "pass" && out.details).toEqual([
      { path: "body.note", message: "must be string or null" },
      { path: "body.owner.email", message: 'must match format "email"' },
    ]);
  });

  test("a required body that is missing, and a body that is not JSON", async () => {
    expect(await failures(p, { method: "POST", url: `${API}/orders` })).toEqual(["body"]);
    const out = await run(p, { method: "POST", url: `${API}/orders`, headers: { "content-type": "application/json" }, body: "{nope" });
    expect(out !== "pass" && out.details[0]?.message).toStartWith("is not valid JSON");
  });

  test("Content-Type must be one the operation accepts", async () => {
    const out = await run(p, { method: "POST", url: `${API}/orders`, headers: { "content-type": "text/plain" }, body: "hi" });
    expect(out !== "pass" && out.details).toEqual([{ path: "header.content-type", message: "'text/plain' is not accepted; use application/json, application/x-www-form-urlencoded" }]);
    expect(await failures(p, { method: "POST", url: `${API}/orders`, body: "{}" })).toEqual(["header.content-type"]);
    // Parameters on the media type are not part of it.
    const ok = JSON.stringify(GOOD_ITEM);
    expect(await run(p, { method: "POST", url: `${API}/orders`, headers: { "content-type": "Application/JSON; charset=utf-8" }, body: ok })).toBe("pass");
    // A range admits any subtype; opaque media types are not read.
    expect(await run(p, { method: "PUT", url: `${API}/upload`, headers: { "content-type": "image/png" }, body: "PNG..." })).toBe("pass");
    expect(await failures(p, { method: "PUT", url: `${API}/upload`, headers: { "content-type": "video/mp4" }, body: "..." })).toEqual(["header.content-type"]);
  });

  test("URL-encoded form bodies are coerced like query parameters", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expect(await run(p, { method: "POST", url: `${API}/orders`, headers: form, body: "name=a&qty=2&tags=x&tags=y" })).toBe("pass");
    expect(await failures(p, { method: "POST", url: `${API}/orders`, headers: form, body: "qty=0" })).toEqual(["body.name", "body.qty"]);
  });

  test("unknown operations: 404, or 405 with Allow; or let through when configured", async () => {
    const missing = await run(p, { url: `${API}/nothing` });
    expect(missing !== "pass" && [missing.status, missing.code]).toEqual([404, "route_not_found"]);
    const outsideBase = await run(p, { url: "http://gateway.test/v2/orders" });
    expect(outsideBase !== "pass" && outsideBase.status).toBe(404);
    const wrongMethod = await run(p, { method: "PATCH", url: `${API}/orders/3` });
    expect(wrongMethod !== "pass" && [wrongMethod.status, wrongMethod.code, wrongMethod.allow]).toEqual([405, "method_not_allowed", "GET, DELETE"]);
    const lenient = build(DOC_30, { unknown_operation: "allow" });
    expect(await run(lenient, { url: `${API}/nothing` })).toBe("pass");
    expect(await run(lenient, { method: "PATCH", url: `${API}/orders/3` })).toBe("pass");
    // Described operations are still checked.
    expect(await failures(lenient, { url: `${API}/orders/0` })).toEqual(["path.id"]);
  });

  test("HEAD is covered by a described GET", async () => {
    expect(await run(p, { method: "HEAD", url: `${API}/orders/3` })).toBe("pass");
    expect(await failures(p, { method: "HEAD", url: `${API}/orders/0` })).toEqual(["path.id"]);
  });

  test("literal path text outside ASCII matches its percent-encoded form", async () => {
    const doc = { openapi: "3.1.0", info: { title: "t", version: "1" }, paths: { "/cafés/{id}": { get: { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", maxLength: 3 } }] } } } };
    const cafe = build(doc);
    expect(await run(cafe, { url: "http://g/caf%C3%A9s/a%20b" })).toBe("pass");
    expect(await failures(cafe, { url: "http://g/caf%C3%A9s/%C3%A9%C3%A9%C3%A9%C3%A9" })).toEqual(["path.id"]);
  });

  test("a CORS preflight is left to the cors policy", async () => {
    const preflight = { method: "OPTIONS", url: `${API}/orders`, headers: { origin: "https://app.example.com", "access-control-request-method": "POST" } };
    expect(await run(p, preflight)).toBe("pass");
    const plain = await run(p, { method: "OPTIONS", url: `${API}/orders` });
    expect(plain !== "pass" && plain.status).toBe(405);
  });

  test("a body over the size limit is 413 from the body reader", async () => {
    const ctx = fakeContext({ method: "POST", url: `${API}/orders`, headers: { "content-type": "application/json" }, body: JSON.stringify(GOOD_ITEM) });
    ctx.maxRequestBodyBytes = 10;
    const v = await p.onRequest!(ctx, NO_SNAPSHOT);
    expect(v instanceof WaygateError && [v.status, v.code]).toEqual([413, "payload_too_large"]);
  });

  test("the body read for validation is kept byte for byte for the upstream", async () => {
    const text = '{"name": "w",\n  "items": [ {"sku":"é","price":1e0} ] }';
    const ctx = fakeContext({ method: "POST", url: `${API}/orders`, headers: { "content-type": "application/json" }, body: text });
    expect(await p.onRequest!(ctx, NO_SNAPSHOT)).toBeUndefined();
    expect(new TextDecoder().decode(ctx.body)).toBe(text);
  });
});

describe("openapi_validation: compiled once", () => {
  test("requests only run validators built with the policy", async () => {
    const p = build(DOC_30);
    const compile = spyOn(Ajv2020.prototype, "compile");
    try {
      expect(await failures(p, { url: `${API}/orders?limit=0` })).toEqual(["query.limit", "header.x-trace"]);
      const body = JSON.stringify(GOOD_ITEM);
      expect(await run(p, { method: "POST", url: `${API}/orders`, headers: { "content-type": "application/json" }, body })).toBe("pass");
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
    }
  });

  test("a stored document that no longer compiles fails the build, which closes the route", () => {
    const broken = { spec: { openapi: "3.0.3", info: {}, paths: { "/a": { get: { parameters: [{ name: "x", in: "body" }] } } } }, unknown_operation: "reject" as const };
    expect(() => kind.build(broken, BUILD_CTX)).toThrow("invalid OpenAPI document at paths./a.get.parameters.0.in");
  });
});

describe("openapi_validation: 3.1 documents", () => {
  const p = build(DOC_31);
  const send = (body: unknown, type = "application/merge-patch+json") => ({ method: "POST", url: "http://gateway.test/orders", headers: { "content-type": type }, body: JSON.stringify(body) });

  test("type arrays, prefixItems, unevaluatedProperties, $ref with siblings, +json media types", async () => {
    expect(await run(p, send({ note: null, tags: ["first", "x"], rank: 1 }))).toBe("pass");
    expect(await failures(p, send({ note: 5, tags: ["second"], rank: 0, other: 1 }))).toEqual(["body.note", "body.tags[0]", "body.rank", "body.other"]);
    expect(await failures(p, send({}, "application/json"))).toEqual(["header.content-type"]);
  });

  test("no servers: paths are matched from /", async () => {
    expect(await run(p, { url: "http://gateway.test/v1/orders" }).then((o) => o !== "pass" && o.status)).toBe(404);
  });
});

describe("openapi_validation: parameter styles", () => {
  const doc: Doc = {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/s/{ids}/{label}/{matrix}": {
        get: {
          parameters: [
            { name: "ids", in: "path", required: true, schema: { type: "array", items: { type: "integer" }, minItems: 2 } },
            { name: "label", in: "path", required: true, style: "label", schema: { type: "array", items: { type: "integer" } } },
            { name: "matrix", in: "path", required: true, style: "matrix", schema: { type: "integer" } },
            { name: "filter", in: "query", style: "deepObject", schema: { type: "object", properties: { min: { type: "integer" } }, additionalProperties: false } },
            { name: "pipes", in: "query", style: "pipeDelimited", explode: false, schema: { type: "array", items: { type: "integer" } } },
            { name: "point", in: "query", schema: { type: "object", properties: { x: { type: "number" }, y: { type: "number" } }, required: ["x", "y"] } },
            { name: "meta", in: "query", content: { "application/json": { schema: { type: "object", required: ["v"] } } } },
          ],
        },
      },
    },
  };
  const p = build(doc);

  test("simple, label and matrix path values; deepObject, delimited, exploded-object and JSON query values", async () => {
    expect(await run(p, { url: "http://g/s/1,2/.3,4/;matrix=5?filter[min]=3&pipes=1|2&x=1.5&y=2&meta=%7B%22v%22%3A1%7D" })).toBe("pass");
    expect(await failures(p, { url: "http://g/s/1/.3,x/;matrix=y?filter[max]=3&pipes=1|b&x=1&meta=%7Bbad" })).toEqual([
      "query.meta",
      "path.ids",
      "path.label[1]",
      "path.matrix",
      "query.filter.max",
      "query.pipes[1]",
      "query.point.y",
    ]);
  });
});
