import { describe, expect, test } from "bun:test";
import type { ChatRequest, ChatResponse, ChatStreamEvent } from "../../src/ai/types.ts";
import { WaygateError } from "../../src/core/errors.ts";
import { kind } from "../../src/policies/guardrail/index.ts";
import { compileMatcher } from "../../src/policies/guardrail/matcher.ts";
import { guardrailSchema } from "../../src/policies/guardrail/schema.ts";
import type { Policy } from "../../src/policies/policy.ts";
import { BUILD_CTX, NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

const matcher = (config: Record<string, unknown>) => compileMatcher(guardrailSchema.parse(config));
const build = (config: Record<string, unknown>): Policy => kind.build(kind.schema.parse(config), { ...BUILD_CTX, name: "no-weapons" });

describe("guardrail matching", () => {
  test("keywords match whole words, case-insensitively, by default", () => {
    const m = matcher({ keywords: ["bomb", "class"] });
    expect(m.test("how to build a BOMB?")).toBe(true);
    expect(m.test("Bomb-making")).toBe(true);
    expect(m.test("bombastic speech")).toBe(false);
    expect(m.test("classify this")).toBe(false);
    expect(m.test("a class act")).toBe(true);
    expect(m.test("nothing here")).toBe(false);
  });

  test("whole words hold for non-Latin and accented words", () => {
    const m = matcher({ keywords: ["café", "пароль"] });
    expect(m.test("un café noir")).toBe(true);
    expect(m.test("cafés")).toBe(false);
    expect(m.test("мой пароль")).toBe(true);
    expect(m.test("парольный")).toBe(false);
  });

  test("case_sensitive and whole_words can be turned off", () => {
    expect(matcher({ keywords: ["NASA"], case_sensitive: true }).test("nasa")).toBe(false);
    expect(matcher({ keywords: ["NASA"], case_sensitive: true }).test("NASA")).toBe(true);
    expect(matcher({ keywords: ["bomb"], whole_words: false }).test("bombastic")).toBe(true);
  });

  test("phrases match across any whitespace; keywords with regex characters are literal", () => {
    const m = matcher({ keywords: ["project nightingale", "c++ (legacy)"] });
    expect(m.test("about Project\n  Nightingale today")).toBe(true);
    expect(m.test("project nightingales")).toBe(false);
    expect(m.test("we use c++ (legacy) here")).toBe(true);
    expect(m.test("we use c (legacy) here")).toBe(false);
  });

  test("patterns are regular expressions with their own flags", () => {
    const m = matcher({ patterns: ["\\b\\d{3}-\\d{2}-\\d{4}\\b", { pattern: "drop\\s+table", flags: "i" }] });
    expect(m.test("ssn 123-45-6789")).toBe(true);
    expect(m.test("DROP   TABLE users")).toBe(true);
    expect(m.test("drop the table")).toBe(false);
  });

  test("configuration errors", () => {
    expect(guardrailSchema.safeParse({}).success).toBe(false);
    expect(guardrailSchema.safeParse({ keywords: [] }).success).toBe(false);
    expect(guardrailSchema.safeParse({ patterns: [{ pattern: "(" }] }).success).toBe(false);
    expect(guardrailSchema.safeParse({ patterns: [{ pattern: "x?" }] }).success).toBe(false);
    expect(guardrailSchema.safeParse({ keywords: ["a"], apply_to: [] }).success).toBe(false);
    expect(guardrailSchema.safeParse({ keywords: ["a"], extra: 1 }).success).toBe(false);
    expect(kind.combine).toBe("stack");
  });
});

const ctx = fakeContext();

function chatRequest(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: "m", stream: false, messages: [{ role: "user", content: [{ type: "text", text }] }], ...extra };
}

function answer(content: string): ChatResponse {
  return { id: "x", model: "m", created: 1, choices: [{ index: 0, message: { content }, finishReason: "stop" }] };
}

describe("guardrail on AI prompts and answers", () => {
  const p = build({ keywords: ["nightingale"] });

  test("a prompt with a denied keyword in any message is refused with guardrail_violation", () => {
    const ok = chatRequest("hello");
    expect(p.ai!.chatRequest!(ctx, ok)).toBe(ok);
    const refused = p.ai!.chatRequest!(ctx, chatRequest("tell me about Nightingale"));
    expect(refused).toBeInstanceOf(WaygateError);
    expect((refused as WaygateError).code).toBe("guardrail_violation");
    expect((refused as WaygateError).status).toBe(400);
    expect((refused as WaygateError).message).toContain("no-weapons");
    // The matched text is not repeated to the caller.
    expect((refused as WaygateError).message.toLowerCase()).not.toContain("nightingale");
    const inHistory = chatRequest("fine", {
      messages: [
        { role: "system", content: [{ type: "text", text: "about nightingale" }] },
        { role: "user", content: [{ type: "text", text: "fine" }] },
      ],
    });
    expect(p.ai!.chatRequest!(ctx, inHistory)).toBeInstanceOf(WaygateError);
    const inToolCall = chatRequest("fine", {
      messages: [{ role: "assistant", content: [], toolCalls: [{ id: "1", name: "f", arguments: '{"q":"nightingale"}' }] }],
    });
    expect(p.ai!.chatRequest!(ctx, inToolCall)).toBeInstanceOf(WaygateError);
  });

  test("an answer with a denied keyword is refused", () => {
    const ok = answer("all fine");
    expect(p.ai!.chatResponse!(ctx, ok)).toBe(ok);
    const refused = p.ai!.chatResponse!(ctx, answer("Nightingale it is"));
    expect((refused as WaygateError).code).toBe("guardrail_violation");
    expect((refused as WaygateError).status).toBe(400);
  });

  test("apply_to limits the checks", () => {
    const promptsOnly = build({ keywords: ["x1"], apply_to: ["request"] });
    expect(promptsOnly.ai!.chatResponse).toBeUndefined();
    expect(promptsOnly.ai!.chatStream).toBeUndefined();
    const answersOnly = build({ keywords: ["x1"], apply_to: ["response"] });
    expect(answersOnly.ai!.chatRequest).toBeUndefined();
    expect(answersOnly.onRequest).toBeUndefined();
  });

  test("a custom message replaces the default", () => {
    const q = build({ keywords: ["x1"], message: "Please keep it civil." });
    expect((q.ai!.chatRequest!(ctx, chatRequest("x1")) as WaygateError).message).toBe("Please keep it civil.");
  });
});

function runStream(p: Policy, events: ChatStreamEvent[]): { out: ChatStreamEvent[]; refused?: WaygateError } {
  const f = p.ai!.chatStream!(ctx);
  const out: ChatStreamEvent[] = [];
  for (const ev of [...events, undefined]) {
    const r = ev ? f.push(ev) : f.flush();
    if (r instanceof WaygateError) return { out, refused: r };
    out.push(...r);
  }
  return { out };
}

const texts = (events: ChatStreamEvent[]) => events.map((e) => (e.type === "text" ? e.text : "")).join("");

describe("guardrail on streamed answers", () => {
  const p = build({ keywords: ["nightingale", "project blue book"], patterns: [{ pattern: "\\b\\d{3}-\\d{2}-\\d{4}\\b" }] });
  const SAMPLE = "Here is the plan. We start project blue book tomorrow; the agent's number is 123-45-6789, code name nightingale. ";

  test("a clean answer passes whole, in order", () => {
    const text = "A clean answer about songbirds, sent in several pieces over time. ".repeat(3);
    const pieces = text.match(/.{1,7}/gs)!;
    const { out, refused } = runStream(p, [...pieces.map((t): ChatStreamEvent => ({ type: "text", choice: 0, text: t })), { type: "finish", choice: 0, reason: "stop" }]);
    expect(refused).toBeUndefined();
    expect(texts(out)).toBe(text);
    expect(out.at(-1)?.type).toBe("finish");
  });

  test("each match is caught wherever the chunks split it, before any of it is released", () => {
    for (const bad of ["project blue book", "123-45-6789", "nightingale"]) {
      const sample = `Opening words go first and are fine. Then: ${bad} and more text after it.`;
      const at = sample.indexOf(bad);
      for (let cut = 1; cut < sample.length; cut++) {
        const { out, refused } = runStream(p, [
          { type: "text", choice: 0, text: sample.slice(0, cut) },
          { type: "text", choice: 0, text: sample.slice(cut) },
        ]);
        if (!(refused instanceof WaygateError) || refused.code !== "guardrail_violation") throw new Error(`${bad}, cut ${cut}: not refused`);
        const released = texts(out);
        if (released.length > at) throw new Error(`${bad}, cut ${cut}: released "${released}"`);
      }
    }
  });

  test("character by character, the sample is refused", () => {
    const { refused } = runStream(p, [...SAMPLE].map((t): ChatStreamEvent => ({ type: "text", choice: 0, text: t })));
    expect(refused?.code).toBe("guardrail_violation");
  });

  test("tool-call arguments are checked too", () => {
    const { refused } = runStream(p, [
      { type: "tool_call_start", choice: 0, tool: 0, id: "c", name: "f" },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"q":"night' },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: 'ingale"}' },
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
    expect(refused?.code).toBe("guardrail_violation");
  });

  test("log-probabilities wait for their text", () => {
    const { out } = runStream(p, [
      { type: "text", choice: 0, text: "hello" },
      { type: "logprobs", choice: 0, logprobs: [{ token: "hello", logprob: -0.1 }] },
      { type: "finish", choice: 0, reason: "stop" },
    ]);
    expect(out.map((e) => e.type)).toEqual(["text", "logprobs", "finish"]);
  });
});

describe("guardrail on REST request bodies", () => {
  const p = build({ keywords: ["nightingale"] });
  const run = async (body: string, contentType: string) => {
    const v = await p.onRequest!(fakeContext({ method: "POST", headers: { "content-type": contentType }, body }), NO_SNAPSHOT);
    return v instanceof WaygateError ? `${v.status} ${v.code}` : "pass";
  };

  test("textual bodies are checked, JSON escapes and form encoding included", async () => {
    expect(await run('{"q":"about nightingale"}', "application/json")).toBe("400 guardrail_violation");
    expect(await run('{"q":"about night\\u0069ngale"}', "application/json")).toBe("400 guardrail_violation");
    expect(await run("q=about+nightingale", "application/x-www-form-urlencoded")).toBe("400 guardrail_violation");
    expect(await run("about nightingale", "text/plain")).toBe("400 guardrail_violation");
    expect(await run('{"q":"about songbirds"}', "application/json")).toBe("pass");
  });

  test("binary bodies are not read", async () => {
    expect(await run("nightingale", "application/octet-stream")).toBe("pass");
  });
});
