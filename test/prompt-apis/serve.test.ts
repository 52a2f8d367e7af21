/**
 * Prompt APIs end to end over plain HTTP: the gateway in front of the
 * provider simulator, prompt APIs published on the AI service (mounted at
 * /ai and /v1), called with an application key.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type PromptFixture, jsonOf, parseEvents, scripted, startPromptFixture } from "./fixture.ts";

const SENTIMENT_SCHEMA = {
  type: "object",
  properties: { sentiment: { enum: ["positive", "negative", "neutral"] }, confidence: { type: "number", minimum: 0, maximum: 1 } },
  required: ["sentiment", "confidence"],
  additionalProperties: false,
};

let fx: PromptFixture;

beforeAll(async () => {
  fx = await startPromptFixture();
  await fx.publish({ name: "echo", messages: [{ role: "system", content: "Repeat what the user says." }, { role: "user", content: "Say: {{text}}" }] });
  await fx.publish({
    name: "two-vars",
    path: "/tools/two-vars",
    messages: [{ role: "user", content: "A={{a}} B={{b}} title={{doc.title}}" }],
    input_schema: { type: "object", properties: { a: { type: "string" }, b: { type: "string" }, doc: { type: "object" } } },
  });
  await fx.publish({ name: "sentiment", output_schema: SENTIMENT_SCHEMA, stream: "optional", parameters: { temperature: 0, max_tokens: 200 } });
  await fx.publish({ name: "streamed", stream: "on" });
  await fx.publish({ name: "hidden-model", model: "nope/absent" });
});

afterAll(async () => {
  await fx.stop();
});

/** The user message text the simulated provider received last. */
function lastUserText(): string {
  const body = fx.mock.control.requests.at(-1)?.body as { messages: Array<{ role: string; content: unknown }> };
  const user = body.messages.filter((m) => m.role === "user").at(-1);
  return typeof user?.content === "string" ? user.content : JSON.stringify(user?.content);
}

describe("prompt APIs answer JSON", () => {
  test("the templates are rendered with the variables and the answer is {output, usage, model}", async () => {
    const res = await fx.call("/echo", { text: "hello world" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-waygate-provider")).toBe("oa");
    const body = await jsonOf(res);
    expect(Object.keys(body).sort()).toEqual(["model", "output", "usage"]);
    expect(body.model).toBe("oa/gpt-4o-mini");
    expect(body.output).toBe("[openai:gpt-4o-mini] system=1 messages=1 tools=0 images=0 tool_results=0 | Say: hello world");
    expect(body.usage.input_tokens).toBeGreaterThan(0);
    expect(body.usage.output_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.input_tokens + body.usage.output_tokens);
  });

  test("the prompt API answers under every route of its service, and a trailing slash is ignored", async () => {
    const res = await fetch(`${fx.g.url}/v1/echo/`, {
      method: "POST",
      headers: { authorization: `Bearer ${fx.appKey}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "via v1" }),
    });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).output).toEndWith("Say: via v1");
  });

  test("a nested path and dotted placeholders work", async () => {
    const res = await fx.call("/tools/two-vars", { a: "1", b: "2", doc: { title: "T" } });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).output).toEndWith("A=1 B=2 title=T");
  });

  test("a conditional route of the model reads the variables as param.<name>", async () => {
    await fx.g.create("virtual_models", {
      name: "by-tier",
      route: {
        type: "conditional",
        rules: [{ when: [{ field: "param.tier", op: "eq", value: "premium" }], then: { type: "target", provider: "an", model: "claude-sonnet-4-5" } }],
        default: { type: "target", provider: "oa", model: "gpt-4o-mini" },
      },
    });
    await fx.publish({
      name: "tiered",
      model: "by-tier",
      input_schema: { type: "object", properties: { text: { type: "string" }, tier: { type: "string" } }, required: ["text"] },
    });
    expect((await fx.call("/tiered", { text: "x", tier: "premium" })).headers.get("x-waygate-provider")).toBe("an");
    expect((await fx.call("/tiered", { text: "x" })).headers.get("x-waygate-provider")).toBe("oa");
  });

  test("only POST is answered", async () => {
    const res = await fetch(`${fx.g.url}/ai/echo`, { headers: { authorization: `Bearer ${fx.appKey}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect((await jsonOf(res)).error.code).toBe("method_not_allowed");
  });

  test("a model the service cannot see is 404 model_not_found in Waygate's error format", async () => {
    const res = await fx.call("/hidden-model", { text: "x" });
    expect(res.status).toBe(404);
    const body = await jsonOf(res);
    expect(body.error.code).toBe("model_not_found");
    expect(body.error.request_id).toBe(res.headers.get("x-request-id"));
  });
});

describe("input validation", () => {
  test("variables that do not match the input schema are 400 request_validation_failed with their paths", async () => {
    const res = await fx.call("/echo", { txt: "typo", text: 5 });
    expect(res.status).toBe(400);
    const { error } = await jsonOf(res);
    expect(error.code).toBe("request_validation_failed");
    expect(error.details).toContainEqual({ path: "body.text", message: "must be string" });
    expect(error.details).toContainEqual({ path: "body.txt", message: "is not allowed" });
  });

  test("a missing required variable is named", async () => {
    const { error } = await jsonOf(await fx.call("/echo", {}));
    expect(error.details).toEqual([{ path: "body.text", message: "is required" }]);
  });

  test("a body that is not an object fails at the body itself; one that is not JSON is bad_request", async () => {
    const list = await fx.call("/echo", ["text"]);
    expect(list.status).toBe(400);
    expect((await jsonOf(list)).error.details[0].path).toBe("body");
    const garbage = await fx.call("/echo", "{not json");
    expect(garbage.status).toBe(400);
    expect((await jsonOf(garbage)).error.code).toBe("bad_request");
  });

  test("a variable the templates use but the schema lets the caller leave out is 400 with its path", async () => {
    const res = await fx.call("/tools/two-vars", { a: "1", doc: {} });
    expect(res.status).toBe(400);
    const { error } = await jsonOf(res);
    expect(error.code).toBe("request_validation_failed");
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(["body.b", "body.doc.title"]);
  });

  test("nothing reaches the provider when the variables are invalid", async () => {
    const before = fx.mock.control.requests.length;
    await fx.call("/echo", { text: "" });
    expect(fx.mock.control.requests.length).toBe(before);
  });
});

describe("template injection", () => {
  test("a value containing {{other}} is inserted as text, never rendered again", async () => {
    const res = await fx.call("/tools/two-vars", { a: "{{b}} and {{doc.title}}", b: "SECRET", doc: { title: "{{a}}" } });
    expect(res.status).toBe(200);
    expect(lastUserText()).toBe("A={{b}} and {{doc.title}} B=SECRET title={{a}}");
  });

  test("{{constructor}} and {{__proto__}} in values stay literal", async () => {
    const res = await fx.call("/echo", { text: "{{constructor}} {{__proto__}} {{ text }}" });
    expect(res.status).toBe(200);
    expect(lastUserText()).toBe("Say: {{constructor}} {{__proto__}} {{ text }}");
  });

  test("__proto__ keys neither satisfy a placeholder nor pollute prototypes", async () => {
    const raw = '{"a": "x", "b": "y", "doc": {"__proto__": {"title": "from the prototype"}}, "__proto__": {"polluted": "yes"}}';
    const res = await fx.call("/tools/two-vars", raw);
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.details).toEqual([{ path: "body.doc.title", message: "is required by the prompt's templates" }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).title).toBeUndefined();
  });

  test("a strict schema refuses a __proto__ key outright", async () => {
    const res = await fx.call("/echo", '{"text": "x", "__proto__": {"polluted": "yes"}}');
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.details).toContainEqual({ path: "body.__proto__", message: "is not allowed" });
  });

  test("a template cannot be written to read prototype properties", async () => {
    const attempt = fx.publish({ name: "evil", messages: [{ role: "user", content: "{{text.constructor}}" }] });
    await expect(attempt).rejects.toThrow("'constructor' is not allowed as a variable name");
  });

  test("a huge value under the body limit arrives whole; a body over it is 413", async () => {
    const huge = "x".repeat(1_000_000) + "{{text}}";
    const res = await fx.call("/echo", { text: huge });
    expect(res.status).toBe(200);
    expect(lastUserText()).toBe(`Say: ${huge}`);
    const tooBig = await fx.call("/echo", { text: "y".repeat(11 * 1024 * 1024) });
    expect(tooBig.status).toBe(413);
    expect((await jsonOf(tooBig)).error.code).toBe("payload_too_large");
  });
});

describe("structured output", () => {
  test("the answer is the parsed object, checked against the output schema", async () => {
    const res = await fx.call("/sentiment", { text: "I love it" });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.output).toEqual({ sentiment: "positive", confidence: 0 });
    const sent = fx.mock.control.requests.at(-1)?.body as Record<string, any>;
    expect(sent.response_format.type).toBe("json_schema");
    expect(sent.response_format.json_schema.schema).toEqual(SENTIMENT_SCHEMA);
    expect(sent.temperature).toBe(0);
  });

  test("an invalid answer is repaired by one more request that carries the errors", async () => {
    const res = await fx.call("/sentiment", { text: `meh ${scripted('{"sentiment": "meh", "confidence": 2}')}` });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.output).toEqual({ sentiment: "positive", confidence: 0 });
    const repair = fx.mock.control.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    const [assistant, user] = repair.messages.slice(-2);
    expect(assistant).toEqual({ role: "assistant", content: '{"sentiment": "meh", "confidence": 2}' });
    expect(user?.content).toContain("output.sentiment: must be one of");
    expect(user?.content).toContain("output.confidence: must be <= 1");
    const record = await fx.g.record(res.headers.get("x-request-id") as string);
    expect(record.ai?.attempts).toHaveLength(2);
    expect(body.usage.input_tokens).toBe(record.ai?.input_tokens);
    expect(record.error_code).toBeNull();
  });

  test("an answer still invalid after the repair is 502 prompt_output_invalid with the failing paths", async () => {
    const res = await fx.call("/sentiment", { text: `bad ${scripted("not json at all", true)}` });
    expect(res.status).toBe(502);
    const { error } = await jsonOf(res);
    expect(error.code).toBe("prompt_output_invalid");
    expect(error.details[0].path).toBe("output");
    expect(error.details[0].message).toStartWith("is not valid JSON");
    const record = await fx.g.record(res.headers.get("x-request-id") as string);
    expect(record.error_code).toBe("prompt_output_invalid");
    expect(record.ai?.attempts).toHaveLength(2);
  });

  test("providers without JSON-schema output answer through their forced tool, read the same way", async () => {
    for (const model of ["an/claude-sonnet-4-5", "chat-default"]) {
      const api = await fx.publish({ name: `sentiment-${model.replace(/\W/g, "-")}`, model, output_schema: SENTIMENT_SCHEMA });
      const res = await fx.call(api.path, { text: "fine" });
      expect(res.status).toBe(200);
      expect((await jsonOf(res)).output).toEqual({ sentiment: "positive", confidence: 0 });
      expect(res.headers.get("x-waygate-provider")).toBe("an");
    }
  });

  test("a fenced JSON answer is read for its content", async () => {
    const res = await fx.call("/sentiment", { text: scripted('```json\n{"sentiment": "neutral", "confidence": 0.5}\n```') });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).output).toEqual({ sentiment: "neutral", confidence: 0.5 });
  });
});

describe("streaming", () => {
  test("stream: on answers with delta events and a final done event", async () => {
    const res = await fx.call("/streamed", { text: "stream me" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = parseEvents(await res.text());
    const deltas = events.filter((e) => e.event === "delta");
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    expect(done?.data.output).toBe(deltas.map((d) => d.data.text).join(""));
    expect(done?.data.output).toEndWith("| stream me");
    expect(done?.data.usage.output_tokens).toBeGreaterThan(0);
    expect(done?.data.model).toBe("oa/gpt-4o-mini");
  });

  test("stream: optional streams when asked with ?stream=true or Accept, and parses structured output at the end", async () => {
    for (const opts of [{ query: "?stream=true" }, { headers: { accept: "text/event-stream" } }]) {
      const res = await fx.call("/sentiment", { text: "good" }, opts);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const events = parseEvents(await res.text());
      expect(events.at(-1)).toMatchObject({ event: "done", data: { output: { sentiment: "positive", confidence: 0 } } });
      expect(events.filter((e) => e.event === "delta").map((e) => e.data.text).join("")).toBe('{"sentiment":"positive","confidence":0}');
    }
    const plain = await fx.call("/sentiment", { text: "good" }, { query: "?stream=false", headers: { accept: "text/event-stream" } });
    expect(plain.headers.get("content-type")).toContain("application/json");
  });

  test("structured output that fails its schema ends the stream with an error event", async () => {
    const res = await fx.call("/sentiment", { text: `x ${scripted('{"sentiment": "confused"}')}` }, { query: "?stream=true" });
    const events = parseEvents(await res.text());
    const last = events.at(-1);
    expect(last?.event).toBe("error");
    expect(last?.data.error.code).toBe("prompt_output_invalid");
    expect(last?.data.error.details).toContainEqual({ path: "output.confidence", message: "is required" });
    const record = await fx.g.record(res.headers.get("x-request-id") as string);
    expect(record.error_code).toBe("prompt_output_invalid");
    expect(record.ai?.stream).toBe(true);
  });

  test("a prompt API with stream: off refuses ?stream=true", async () => {
    const res = await fx.call("/echo", { text: "x" }, { query: "?stream=true" });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.code).toBe("bad_request");
  });
});

describe("access and records", () => {
  test("the service's authentication and subscription apply", async () => {
    const anonymous = await fx.call("/echo", { text: "x" }, { key: null });
    expect(anonymous.status).toBe(401);
    // Waygate's own error format, as for every prompt API error, not the OpenAI format of the chat endpoints.
    const refused = await jsonOf(anonymous);
    expect(refused.error.request_id).toBe(anonymous.headers.get("x-request-id"));
    expect(refused.error.type).toBeUndefined();
    const other = await fx.g.create("applications", { name: "unsubscribed" });
    const { key } = await fx.g.apiKey(other.id);
    await fx.g.synced();
    const unsubscribed = await fx.call("/echo", { text: "x" }, { key });
    expect(unsubscribed.status).toBe(403);
    expect((await jsonOf(unsubscribed)).error.code).toBe("subscription_required");
  });

  test("a call is recorded with the prompt API's name, tokens and cost", async () => {
    const res = await fx.call("/echo", { text: "record me" });
    const record = await fx.g.record(res.headers.get("x-request-id") as string);
    expect(record.status).toBe(200);
    expect(record.path).toBe("/ai/echo");
    expect(record.application_id).not.toBeNull();
    expect(record.ai?.endpoint).toBe("prompt_api");
    expect(record.ai?.prompt_api).toBe("echo");
    expect(record.ai?.requested_model).toBe("oa/gpt-4o-mini");
    expect(record.ai?.provider).toBe("oa");
    expect(record.ai?.input_tokens).toBeGreaterThan(0);
    expect(record.ai?.cost_usd).toBeGreaterThan(0);
  });

  test("a disabled prompt API is not served", async () => {
    const api = await fx.publish({ name: "soon", enabled: false });
    const res = await fx.call(api.path, { text: "x" });
    expect(res.status).toBe(404);
  });
});

describe("the route's AI policies", () => {
  test("a guardrail refuses a rendered prompt before any provider is called, and an answer that matches", async () => {
    await fx.g.create("policies", {
      name: "no-nightingale",
      kind: "guardrail",
      scope: "service",
      service_id: fx.serviceId,
      config: { keywords: ["project nightingale"], apply_to: ["request", "response"] },
    });
    await fx.g.synced();
    const before = fx.mock.control.requests.length;
    const res = await fx.call("/echo", { text: "tell me about Project Nightingale" });
    expect(res.status).toBe(400);
    const { error } = await jsonOf(res);
    expect(error.code).toBe("guardrail_violation");
    expect(error.request_id).toBe(res.headers.get("x-request-id"));
    expect(fx.mock.control.requests.length).toBe(before);

    const answer = await fx.call("/sentiment", { text: `x ${scripted("see project nightingale")}` });
    expect(answer.status).toBe(400);
    expect((await jsonOf(answer)).error.code).toBe("guardrail_violation");
    expect(fx.mock.control.requests.length).toBe(before + 1);
  });
});
