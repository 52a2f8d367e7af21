/**
 * The admin side of prompt APIs: CRUD under team ownership, the generated
 * OpenAPI operation, "try it", and the built-in templates — each
 * instantiated by a team's service admin and answering through the gateway.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { validate } from "@readme/openapi-parser";
import { PROMPT_TEMPLATES } from "../../src/prompt-apis/templates/index.ts";
import { type IdentityServer, startIdentityAdmin } from "../control/identity-fixture.ts";
import { type PromptFixture, jsonOf, parseEvents, startPromptFixture } from "./fixture.ts";

let fx: PromptFixture;
let api: IdentityServer;
const token: Record<string, string> = {};
const ids: Record<string, string> = {};

const PROMPT = {
  model: "oa/gpt-4o-mini",
  messages: [{ role: "user", content: "Tell me about {{topic}}" }],
  input_schema: { type: "object", properties: { topic: { type: "string" } }, required: ["topic"] },
  output_schema: { type: "object", properties: { facts: { type: "array", items: { type: "string" }, minItems: 1 } }, required: ["facts"] },
};

beforeAll(async () => {
  fx = await startPromptFixture();
  api = startIdentityAdmin(fx.g.store, { services: { promptApis: { snapshot: () => fx.g.gw.snapshots.current, record: (r) => fx.g.gw.record(r) } } });
  for (const team of ["red", "blue"]) {
    ids[team] = (await api.call("POST", "/admin/teams", { name: team })).body.id;
    const svc = await api.call("POST", "/admin/services", { name: `${team}-ai`, kind: "ai", team_id: ids[team] });
    ids[`${team}-ai`] = svc.body.id;
    await api.call("POST", "/admin/routes", { name: `${team}-route`, service_id: svc.body.id, paths: [`/${team}`] });
  }
  for (const [user, team, role] of [
    ["red-sa", "red", "service_admin"],
    ["red-dev", "red", "developer"],
    ["blue-sa", "blue", "service_admin"],
  ] as const) {
    await api.user(user);
    await api.grant(user, team, role);
    token[user] = await api.login(user);
  }
});

afterAll(async () => {
  await api.stop();
  await fx.stop();
});

const as = (user: string, method: string, path: string, body?: unknown) => api.call(method, path, body, token[user]);

describe("CRUD and team ownership", () => {
  test("a service admin creates a prompt API on the team's service; other teams cannot see it", async () => {
    const created = await as("red-sa", "POST", "/admin/prompt_apis", { name: "facts", service_id: "red-ai", path: "/facts", ...PROMPT });
    expect(created.status).toBe(201);
    expect(created.body.service_id).toBe(ids["red-ai"]);
    expect(created.body.version).toBe("1.0.0");
    ids.facts = created.body.id;
    expect((await as("blue-sa", "GET", "/admin/prompt_apis/facts")).status).toBe(404);
    expect((await as("blue-sa", "GET", "/admin/prompt_apis")).body.total).toBe(0);
    expect((await as("red-dev", "GET", "/admin/prompt_apis/facts")).status).toBe(200);
    expect((await as("red-dev", "PATCH", "/admin/prompt_apis/facts", { version: "1.1.0" })).status).toBe(403);
    const patched = await as("red-sa", "PATCH", "/admin/prompt_apis/facts", { version: "1.1.0" });
    expect(patched.body.version).toBe("1.1.0");
  });

  test("another team's service cannot be named, and a path is unique within its service", async () => {
    const foreign = await as("red-sa", "POST", "/admin/prompt_apis", { name: "sneaky", service_id: "blue-ai", path: "/x", ...PROMPT });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe("reference_not_found");
    const twice = await as("red-sa", "POST", "/admin/prompt_apis", { name: "facts-2", service_id: "red-ai", path: "/facts", ...PROMPT });
    expect(twice.status).toBe(409);
  });

  test("invalid templates and schemas are refused with their places", async () => {
    const res = await as("red-sa", "POST", "/admin/prompt_apis", {
      ...PROMPT,
      name: "broken",
      service_id: "red-ai",
      path: "/v1/chat/completions",
      messages: [{ role: "user", content: "{{unclosed" }],
      input_schema: { type: "object", properties: { n: { type: "integer", minimum: "zero" } } },
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain("path");
    expect(paths).toContain("messages.0.content");
    expect(paths).toContain("input_schema.properties.n.minimum");
  });

  test("deleting the service deletes its prompt APIs", async () => {
    const svc = await as("red-sa", "POST", "/admin/services", { name: "red-temp", kind: "ai", team_id: ids.red });
    await as("red-sa", "POST", "/admin/prompt_apis", { name: "temp", service_id: svc.body.id, path: "/t", ...PROMPT });
    expect((await as("red-sa", "DELETE", `/admin/services/${svc.body.id}`)).status).toBe(200);
    expect((await as("red-sa", "GET", "/admin/prompt_apis/temp")).status).toBe(404);
  });
});

describe("OpenAPI operation", () => {
  test("the input schema is the request body and {output, usage, model} the answer, under each route", async () => {
    const res = await as("red-dev", "GET", "/admin/prompt-apis/facts/openapi");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toEqual({ title: "facts", version: "1.1.0" });
    const op = doc.paths["/red/facts"].post;
    expect(op.requestBody.content["application/json"].schema).toEqual(PROMPT.input_schema);
    const answer = op.responses["200"].content["application/json"].schema;
    expect(answer.required).toEqual(["output", "usage", "model"]);
    expect(answer.properties.output).toEqual(PROMPT.output_schema);
    expect(op.responses["200"].content["text/event-stream"]).toBeUndefined();
  });

  test("the documents pass the official OpenAPI 3.1 schema, streaming and key-authenticated ones too", async () => {
    await as("red-sa", "POST", "/admin/prompt_apis", { ...PROMPT, name: "facts-stream", service_id: "red-ai", path: "/facts-stream", stream: "optional" });
    await as("red-sa", "PATCH", "/admin/services/red-ai", { auth: { mode: "key_auth", locations: ["bearer", { header: "x-key" }, { query: "key" }] } });
    const doc = (await as("red-dev", "GET", "/admin/prompt-apis/facts-stream/openapi")).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["bearer", "header1", "query2"]);
    expect(doc.paths["/red/facts-stream"].post.parameters[0].name).toBe("stream");
    for (const d of [doc, (await as("red-dev", "GET", "/admin/prompt-apis/facts/openapi")).body]) {
      const result = await validate(structuredClone(d));
      expect(result.valid ? [] : result.errors).toEqual([]);
    }
    await as("red-sa", "PATCH", "/admin/services/red-ai", { auth: { mode: "none" } });
    await as("red-sa", "DELETE", "/admin/prompt_apis/facts-stream");
  });

  test("another team's prompt API reads as missing", async () => {
    expect((await as("blue-sa", "GET", "/admin/prompt-apis/facts/openapi")).status).toBe(404);
  });

  test("the admin API's own document lists the endpoints and the entity", async () => {
    const doc = (await api.call("GET", "/admin/openapi.json", undefined, null)).body;
    expect(doc.paths["/admin/prompt-apis/{id}/try"].post.operationId).toBe("tryPromptApi");
    expect(doc.paths["/admin/prompt_apis"].post).toBeDefined();
    expect(doc.components.schemas.PromptApi.properties.input_schema).toBeDefined();
  });
});

describe("try it", () => {
  test("runs the prompt API as the admin caller and records the call with its cost", async () => {
    await fx.g.synced();
    const res = await as("red-sa", "POST", "/admin/prompt-apis/facts/try", { topic: "owls" });
    expect(res.status).toBe(200);
    expect(res.body.output).toEqual({ facts: ["x"] });
    expect(res.body.model).toBe("oa/gpt-4o-mini");
    const record = await fx.g.record(res.headers.get("x-waygate-call-id") as string);
    expect(record.ai?.prompt_api).toBe("facts");
    expect(record.ai?.cost_usd).toBeGreaterThan(0);
    expect(record.application_id).toBeNull();
    expect(record.team_id).toBe(ids.red ?? "");
    expect(record.service_id).toBe(ids["red-ai"] ?? "");
  });

  test("validates the variables like a client call", async () => {
    const res = await as("red-sa", "POST", "/admin/prompt-apis/facts/try", { subject: "owls" });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ path: "body.topic", message: "is required" });
  });

  test("other teams cannot try it, and roles that do not run the team's APIs may not", async () => {
    expect((await as("blue-sa", "POST", "/admin/prompt-apis/facts/try", { topic: "owls" })).status).toBe(404);
    expect((await as("red-dev", "POST", "/admin/prompt-apis/facts/try", { topic: "owls" })).status).toBe(403);
  });
});

describe("templates", () => {
  test("the five built-in templates are listed with an example each", async () => {
    const res = await as("red-dev", "GET", "/admin/prompt-apis/templates");
    expect(res.body.data.map((t: { name: string }) => t.name)).toEqual(["sentiment", "translation", "summarisation", "classification", "extraction"]);
    for (const t of res.body.data) expect(Object.keys(t.example).length).toBeGreaterThan(0);
  });

  for (const template of PROMPT_TEMPLATES) {
    test(`${template.name} instantiates and answers its example`, async () => {
      const created = await as("red-sa", "POST", `/admin/prompt-apis/templates/${template.name}/instantiate`, {
        name: `red-${template.name}`,
        service_id: "red-ai",
        model: "oa/gpt-4o-mini",
      });
      expect(created.status).toBe(201);
      expect(created.body.path).toBe(`/${template.name}`);
      expect(created.body.input_schema).toEqual(template.input_schema);
      await fx.g.synced();
      const res = await fetch(`${fx.g.url}/red/${template.name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(template.example) });
      expect(res.status).toBe(200);
      const body = await jsonOf(res);
      if (template.output_schema) {
        expect(typeof body.output).toBe("object");
        for (const field of template.output_schema.required as string[]) expect(body.output).toHaveProperty(field);
      } else {
        expect(typeof body.output).toBe("string");
        expect(body.output).toContain(String(template.example.text));
      }
      const sent = fx.mock.control.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
      expect(sent.messages.at(-1)?.content).toBe(String(template.example.text));
    });
  }

  test("overrides replace template fields; the instantiation is audited", async () => {
    const created = await as("red-sa", "POST", "/admin/prompt-apis/templates/summarisation/instantiate", {
      name: "short-summary",
      service_id: "red-ai",
      model: "chat-default",
      path: "/summaries/short",
      stream: "on",
      parameters: { temperature: 0, max_tokens: 50 },
    });
    expect(created.status).toBe(201);
    expect(created.body.stream).toBe("on");
    expect(created.body.parameters).toEqual({ temperature: 0, max_tokens: 50 });
    const audit = await api.call("GET", `/admin/audit-log?kind=prompt_apis&entity_id=${created.body.id}`);
    expect(audit.body.data[0].action).toBe("create");
    await fx.g.synced();
    const res = await fetch(`${fx.g.url}/red/summaries/short`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "A long story.", max_words: 10 }),
    });
    const events = parseEvents(await res.text());
    expect(events.at(-1)?.event).toBe("done");
    expect(events.at(-1)?.data.model).toBe("chat-default");
  });

  test("try streams a streaming prompt API when asked, and refuses a body over the service's limit", async () => {
    const res = await fetch(`${api.url}/admin/prompt-apis/red-translation/try?stream=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${token["red-sa"]}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "Hallo", target_language: "English" }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = parseEvents(await res.text());
    expect(events.at(-1)?.event).toBe("done");
    expect(events.at(-1)?.data.output).toEndWith("| Hallo");
    await as("red-sa", "PATCH", "/admin/services/red-ai", { max_request_body_bytes: 100 });
    const big = await as("red-sa", "POST", "/admin/prompt-apis/red-translation/try", { text: "x".repeat(200), target_language: "English" });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("payload_too_large");
  });

  test("unknown templates are 404; a developer may not instantiate; another team's service is not found", async () => {
    expect((await as("red-sa", "POST", "/admin/prompt-apis/templates/poetry/instantiate", { name: "p", service_id: "red-ai", model: "m" })).status).toBe(404);
    expect((await as("red-dev", "POST", "/admin/prompt-apis/templates/sentiment/instantiate", { name: "p", service_id: "red-ai", model: "m" })).status).toBe(403);
    const foreign = await as("red-sa", "POST", "/admin/prompt-apis/templates/sentiment/instantiate", { name: "p", service_id: "blue-ai", model: "m" });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe("reference_not_found");
  });
});
