/**
 * The plumbing every body- or AI-aware policy relies on: the request body
 * read once (under the limit) and shared, and the AI hooks of a chain run
 * in order, a refusal stopping the rest.
 */
import { expect, test } from "bun:test";
import { chatRequestHooks, chatResponseHooks, chatStreamFilter, consumedHooks } from "../../src/ai/endpoints/policy-hooks.ts";
import type { ChatRequest, ChatResponse, ChatStreamEvent } from "../../src/ai/types.ts";
import { WaygateError } from "../../src/core/errors.ts";
import { bufferedBody } from "../../src/gateway/buffered-body.ts";
import type { RequestContext } from "../../src/gateway/context.ts";
import type { AiConsumption, Policy } from "../../src/policies/policy.ts";
import { fakeContext } from "./fake-context.ts";

function context(req: Request, policies: Policy[] = [], maxRequestBodyBytes?: number): RequestContext {
  return { ...fakeContext(), req, method: req.method, policies, ...(maxRequestBodyBytes !== undefined ? { maxRequestBodyBytes } : {}) };
}

function chunked(parts: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(enc.encode(p));
      c.close();
    },
  });
}

test("the body is read once and the same bytes are returned to every later reader", async () => {
  const ctx = context(new Request("http://h/", { method: "POST", body: chunked(["ab", "cd"]) }));
  const first = await bufferedBody(ctx);
  const second = await bufferedBody(ctx);
  expect(first).toBeInstanceOf(Uint8Array);
  expect(new TextDecoder().decode(first as Uint8Array)).toBe("abcd");
  expect(second).toBe(first);
  expect(ctx.body).toBe(first as Uint8Array);
});

test("a body over the limit is refused while reading, even without Content-Length", async () => {
  const ctx = context(new Request("http://h/", { method: "POST", body: chunked(["12345", "67890", "x"]) }), [], 8);
  const r = await bufferedBody(ctx);
  expect(r).toBeInstanceOf(WaygateError);
  expect((r as WaygateError).code).toBe("payload_too_large");
  expect(ctx.body).toBeUndefined();
});

test("a declared Content-Length over the limit is refused before reading; a malformed one is a bad request", async () => {
  const over = context(new Request("http://h/", { method: "POST", body: "0123456789", headers: { "content-length": "10" } }), [], 4);
  expect(((await bufferedBody(over)) as WaygateError).code).toBe("payload_too_large");
  const bad = context(new Request("http://h/", { method: "POST", body: "x", headers: { "content-length": "x1" } }));
  expect(((await bufferedBody(bad)) as WaygateError).code).toBe("bad_request");
});

test("no body reads as empty bytes", async () => {
  const ctx = context(new Request("http://h/"));
  expect(((await bufferedBody(ctx)) as Uint8Array).byteLength).toBe(0);
});

const userText = (text: string): ChatRequest["messages"][number] => ({ role: "user", content: [{ type: "text", text }] });
const firstText = (r: ChatRequest): string => {
  const part = r.messages[0]?.content[0];
  return part?.type === "text" ? part.text : "";
};
const request: ChatRequest = { model: "m", messages: [userText("hi")], stream: false };

test("chat request hooks run in chain order, each seeing the previous one's rewrite; a refusal stops the rest", () => {
  const seen: string[] = [];
  const rewrite = (tag: string): Policy => ({
    name: tag,
    ai: {
      chatRequest(_ctx, r) {
        seen.push(`${tag}:${firstText(r)}`);
        return { ...r, messages: [userText(`${firstText(r)}+${tag}`)] };
      },
    },
  });
  const out = chatRequestHooks(context(new Request("http://h/"), [rewrite("a"), { name: "plain" }, rewrite("b")]), request);
  expect(seen).toEqual(["a:hi", "b:hi+a"]);
  expect(firstText(out as ChatRequest)).toBe("hi+a+b");

  const refuse: Policy = { name: "no", ai: { chatRequest: () => new WaygateError("guardrail_violation", "no") } };
  seen.length = 0;
  const refused = chatRequestHooks(context(new Request("http://h/"), [refuse, rewrite("c")]), request);
  expect(refused).toBeInstanceOf(WaygateError);
  expect(seen).toEqual([]);
});

test("chat response hooks may rewrite or refuse a whole answer", () => {
  const answer: ChatResponse = {
    id: "x",
    model: "m",
    created: 0,
    choices: [{ index: 0, message: { content: "secret" }, finishReason: "stop" }],
  };
  const mask: Policy = {
    name: "mask",
    ai: { chatResponse: (_c, r) => ({ ...r, choices: r.choices.map((c) => ({ ...c, message: { ...c.message, content: "[x]" } })) }) },
  };
  const out = chatResponseHooks(context(new Request("http://h/"), [mask]), answer) as ChatResponse;
  expect(out.choices[0]?.message.content).toBe("[x]");
  const refuse: Policy = { name: "no", ai: { chatResponse: () => new WaygateError("guardrail_violation", "no", { status: 422 }) } };
  const refused = chatResponseHooks(context(new Request("http://h/"), [refuse, mask]), answer) as WaygateError;
  expect(refused.status).toBe(422);
});

test("several stream filters compose: each one's output is the next one's input, and flushing cascades", () => {
  const text = (t: string): ChatStreamEvent => ({ type: "text", choice: 0, text: t });
  // The first holds everything until flushed; the second doubles each text it sees.
  const held: ChatStreamEvent[] = [];
  const hold: Policy = { name: "hold", ai: { chatStream: () => ({ push: (ev) => (held.push(ev), []), flush: () => held.splice(0) }) } };
  const double: Policy = {
    name: "double",
    ai: { chatStream: () => ({ push: (ev) => (ev.type === "text" ? [ev, ev] : [ev]), flush: () => [text("!")] }) },
  };
  const filter = chatStreamFilter(context(new Request("http://h/"), [hold, double]));
  expect(filter).toBeDefined();
  expect(filter?.push(text("a"))).toEqual([]);
  expect(filter?.push(text("b"))).toEqual([]);
  expect(filter?.flush()).toEqual([text("a"), text("a"), text("b"), text("b"), text("!")]);
  expect(chatStreamFilter(context(new Request("http://h/"), [{ name: "plain" }]))).toBeUndefined();
});

test("consumption reaches every policy, and one failing hook does not keep it from the others", () => {
  const got: AiConsumption[] = [];
  const consumption: AiConsumption = { provider: "p", model: "m", usage: { inputTokens: 3, outputTokens: 4 }, costUsd: 0.5 };
  const broken: Policy = {
    name: "broken",
    ai: {
      consumed() {
        throw new Error("boom");
      },
    },
  };
  const ok: Policy = { name: "ok", ai: { consumed: (_c, x) => void got.push(x) } };
  const errors = console.error;
  console.error = () => {};
  try {
    consumedHooks(context(new Request("http://h/"), [broken, ok]), consumption);
  } finally {
    console.error = errors;
  }
  expect(got).toEqual([consumption]);
});
