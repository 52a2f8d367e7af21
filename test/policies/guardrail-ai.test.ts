/**
 * guardrail end to end: prompts refused with 400 in the client's own error
 * format before any provider is called; answers refused whole (400) or, when
 * streamed, ended by a well-formed error event in the client's format — with
 * the denied phrase split across the provider's stream chunks and none of it
 * delivered. REST request bodies are refused before the upstream sees them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type AiFixture, startAiFixture } from "../ai/e2e/fixture.ts";

// After the simulator's 7-word reply prefix, streamed in 3-word pieces: "project" ends one piece, "nightingale" starts the next.
const SPLIT = "about project nightingale today";

let f: AiFixture;
let keys: Record<string, string> = {};
const openai: Record<string, OpenAI> = {};
const anthropic: Record<string, Anthropic> = {};
let upstream: ReturnType<typeof Bun.serve>;
const upstreamSeen: string[] = [];

beforeAll(async () => {
  f = await startAiFixture();
  const svc = await f.g.store.getByName("services", "ai");
  keys = {};
  for (const [name, applyTo] of [
    ["prompts", ["request"]],
    ["answers", ["response"]],
  ] as const) {
    const app = await f.g.create("applications", { name });
    keys[name] = (await f.g.apiKey(app.id)).key;
    await f.g.create("subscriptions", { application_id: app.id, service_id: svc!.id });
    await f.g.create("policies", {
      name: `guard-${name}`,
      kind: "guardrail",
      scope: "application",
      application_id: app.id,
      config: { keywords: ["project nightingale", "forbidden"], patterns: ["\\b\\d{3}-\\d{2}-\\d{4}\\b"], apply_to: applyTo },
    });
    openai[name] = new OpenAI({ baseURL: f.baseURL, apiKey: keys[name], maxRetries: 0 });
    anthropic[name] = new Anthropic({ baseURL: f.g.url, apiKey: keys[name], maxRetries: 0 });
  }
  upstream = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      upstreamSeen.push(await req.text());
      return new Response("ok");
    },
  });
  const u = await f.g.create("upstreams", { name: "rest", targets: [{ url: `http://127.0.0.1:${upstream.port}` }] });
  const rest = await f.g.create("services", { name: "rest", upstream_id: u.id });
  const route = await f.g.create("routes", { name: "rest", service_id: rest.id, paths: ["/rest"] });
  await f.g.create("policies", { name: "guard-rest", kind: "guardrail", scope: "route", route_id: route.id, config: { keywords: ["forbidden"] } });
  await f.g.synced();
});
afterAll(async () => {
  await f.stop();
  await upstream.stop(true);
});

const providerCalls = () => f.mock.control.requests.length;

describe("guardrail: prompts", () => {
  test("OpenAI dialect: 400 guardrail_violation in OpenAI's format; the provider is never called", async () => {
    const before = providerCalls();
    const err = await openai.prompts!.chat.completions.create({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: "tell me something FORBIDDEN" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.code).toBe("guardrail_violation");
    expect(e.type).toBe("invalid_request_error");
    expect(providerCalls()).toBe(before);
    const record = await f.g.record(e.requestID ?? e.headers?.get("x-request-id") ?? "");
    expect(record.error_code).toBe("guardrail_violation");
    expect(record.status).toBe(400);
  });

  test("Anthropic dialect: 400 in Anthropic's format, the code in x-waygate-error-code", async () => {
    const before = providerCalls();
    const err = await anthropic.prompts!.messages.create({ model: "an/claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "my ssn is 123-45-6789" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const e = err as InstanceType<typeof Anthropic.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.headers?.get("x-waygate-error-code")).toBe("guardrail_violation");
    expect((e.error as { type: string; error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(providerCalls()).toBe(before);
  });

  test("clean prompts go through", async () => {
    const res = await openai.prompts!.chat.completions.create({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: "tell me about songbirds" }] });
    expect(res.choices[0]!.message.content).toContain("songbirds");
  });
});

describe("guardrail: answers", () => {
  test("a whole answer with a denied phrase is refused with 400 guardrail_violation (the provider was called)", async () => {
    const before = providerCalls();
    const err = await openai.answers!.chat.completions.create({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: SPLIT }] }).catch((e: unknown) => e);
    expect(providerCalls()).toBe(before + 1);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("guardrail_violation");
    const anth = await anthropic.answers!.messages.create({ model: "oa/gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content: SPLIT }] }).catch((e: unknown) => e);
    expect(anth).toBeInstanceOf(Anthropic.BadRequestError);
  });

  test("OpenAI SDK, streamed: an APIError with code guardrail_violation, and none of the phrase delivered", async () => {
    const stream = await openai.answers!.chat.completions.create({ model: "an/claude-sonnet-4-5", stream: true, messages: [{ role: "user", content: SPLIT }] });
    let text = "";
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe("guardrail_violation");
    expect(text.startsWith("[anthropic:")).toBe(true);
    expect(text).not.toContain("project");
    expect(text).not.toContain("nightingale");
  });

  test("Anthropic SDK, streamed: an APIError from the error event", async () => {
    const stream = anthropic.answers!.messages.stream({ model: "oa/gpt-4o-mini", max_tokens: 300, messages: [{ role: "user", content: SPLIT }] });
    let text = "";
    stream.on("text", (t) => {
      text += t;
    });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain("guardrail");
    expect(text.startsWith("[openai:")).toBe(true);
    expect(text).not.toContain("nightingale");
  });

  test("on the wire: OpenAI's stream ends with an error chunk and no [DONE]", async () => {
    const res = await fetch(`${f.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys.answers}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gm/gemini-2.5-flash", stream: true, messages: [{ role: "user", content: SPLIT }] }),
    });
    expect(res.status).toBe(200);
    const events = (await res.text()).split("\n\n").filter(Boolean);
    const last = events.at(-1)!;
    expect(last.startsWith("data: ")).toBe(true);
    const body = JSON.parse(last.slice(6)) as { error: { code: string; type: string; message: string } };
    expect(body.error.code).toBe("guardrail_violation");
    expect(body.error.type).toBe("invalid_request_error");
    expect(events.some((e) => e.includes("[DONE]"))).toBe(false);
    const record = await f.g.record(res.headers.get("x-request-id")!);
    expect(record.error_code).toBe("guardrail_violation");
  });

  test("on the wire: Anthropic's stream ends with `event: error`, no message_stop", async () => {
    const res = await fetch(`${f.g.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": keys.answers!, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: "an/claude-sonnet-4-5", max_tokens: 300, stream: true, messages: [{ role: "user", content: SPLIT }] }),
    });
    const events = (await res.text()).split("\n\n").filter(Boolean);
    const last = events.at(-1)!;
    expect(last.startsWith("event: error\n")).toBe(true);
    const body = JSON.parse(last.split("\n")[1]!.slice(6)) as { type: string; error: { type: string; message: string } };
    expect(body).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("guardrail") } });
    expect(events.some((e) => e.startsWith("event: message_stop"))).toBe(false);
    expect(events.some((e) => e.startsWith("event: message_start"))).toBe(true);
  });

  test("a clean streamed answer arrives whole", async () => {
    const stream = await openai.answers!.chat.completions.create({ model: "oa/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "songbirds sing at dawn in spring" }] });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text.endsWith("| songbirds sing at dawn in spring")).toBe(true);
  });
});

describe("guardrail: REST request bodies", () => {
  test("a denied word is refused with 400 guardrail_violation before the upstream sees it", async () => {
    const before = upstreamSeen.length;
    const res = await fetch(`${f.g.url}/rest/x`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ note: "a Forbidden thing" }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("guardrail_violation");
    expect(upstreamSeen.length).toBe(before);
    const ok = await fetch(`${f.g.url}/rest/x`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ note: "fine" }) });
    expect(ok.status).toBe(200);
    expect(upstreamSeen.at(-1)).toBe(JSON.stringify({ note: "fine" }));
  });
});
