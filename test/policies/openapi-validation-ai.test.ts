/**
 * openapi_validation on an AI service: requests are matched by the client's
 * path (`/v1/chat/completions`), and refusals come back in the client's own
 * error format so SDKs surface them like any other 400.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type AiFixture, startAiFixture } from "../ai/e2e/fixture.ts";

const CHAT_BODY = {
  type: "object",
  required: ["model", "messages"],
  properties: {
    model: { type: "string", enum: ["chat-default"] },
    max_tokens: { type: "integer", maximum: 100 },
    messages: { type: "array", minItems: 1 },
  },
};

const AI_API = {
  openapi: "3.1.0",
  info: { title: "ai", version: "1" },
  paths: {
    "/v1/chat/completions": { post: { requestBody: { required: true, content: { "application/json": { schema: CHAT_BODY } } } } },
    "/v1/messages": { post: { requestBody: { required: true, content: { "application/json": { schema: CHAT_BODY } } } } },
  },
};

let f: AiFixture;

beforeAll(async () => {
  f = await startAiFixture();
  const route = (await f.g.store.loadAll()).routes.find((r) => r.name === "ai-v1");
  if (!route) throw new Error("the fixture's AI route is missing");
  await f.g.create("policies", { name: "ai-contract", kind: "openapi_validation", scope: "route", route_id: route.id, config: { spec: AI_API } });
  await f.g.synced();
});
afterAll(async () => {
  await f.stop();
});

function call(path: string, body: unknown): Promise<Response> {
  return fetch(`${f.baseURL}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${f.appKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const hello = [{ role: "user", content: "hello" }];

test("a request the description allows is answered", async () => {
  const res = await call("/chat/completions", { model: "chat-default", max_tokens: 20, messages: hello });
  expect(res.status).toBe(200);
});

test("chat completions: an OpenAI-format 400 naming every failing place", async () => {
  const res = await call("/chat/completions", { model: "gpt-4o-mini", max_tokens: 5000, messages: hello });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string } };
  expect(body.error.code).toBe("request_validation_failed");
  expect(body.error.type).toBe("invalid_request_error");
  expect(body.error.param).toBe("body.model");
  expect(body.error.message).toContain('body.model must be one of "chat-default"');
  expect(body.error.message).toContain("body.max_tokens must be <= 100");
  const record = await f.g.record(res.headers.get("x-request-id")!);
  expect([record.status, record.error_code]).toEqual([400, "request_validation_failed"]);
});

test("anthropic messages: the refusal is in Anthropic's format", async () => {
  const res = await call("/messages", { model: "chat-default", messages: [] });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { type: string; error: { type: string; message: string } };
  expect(body.type).toBe("error");
  expect(body.error.type).toBe("invalid_request_error");
  expect(body.error.message).toContain("body.messages must NOT have fewer than 1 items");
});

test("an endpoint the description leaves out is refused in the client's format", async () => {
  const res = await call("/embeddings", { model: "embed-default", input: "x" });
  expect(res.status).toBe(404);
  const body = (await res.json()) as { error: { code: string } };
  expect(body.error.code).toBe("route_not_found");
});
