import { describe, expect, test } from "bun:test";
import type { ChatStreamEvent } from "../../src/ai/types.ts";
import { WaygateError } from "../../src/core/errors.ts";
import { compileMasker } from "../../src/policies/data-masking/masker.ts";
import { maskerConfigSchema } from "../../src/policies/data-masking/masker-schema.ts";
import { maskingStreamFilter } from "../../src/policies/data-masking/stream.ts";
import type { ChatStreamFilter } from "../../src/policies/policy.ts";

const masker = compileMasker(maskerConfigSchema.parse({ rules: [{ name: "case", pattern: "case number \\d{6}", flags: "i" }] }));

function run(filter: ChatStreamFilter, events: ChatStreamEvent[]): ChatStreamEvent[] {
  const out: ChatStreamEvent[] = [];
  for (const ev of events) {
    const r = filter.push(ev);
    if (r instanceof WaygateError) throw r;
    out.push(...r);
  }
  const rest = filter.flush();
  if (rest instanceof WaygateError) throw rest;
  out.push(...rest);
  return out;
}

const textOf = (events: ChatStreamEvent[], choice = 0) =>
  events
    .filter((e): e is Extract<ChatStreamEvent, { type: "text" }> => e.type === "text" && e.choice === choice)
    .map((e) => e.text)
    .join("");

const chunksOf = (text: string, cuts: number[]) => {
  const out: string[] = [];
  let at = 0;
  for (const c of [...cuts, text.length]) {
    out.push(text.slice(at, c));
    at = c;
  }
  return out;
};

const SAMPLE =
  "Hi! Reach ann.lee@example.com or +44 20 7946 0958. Card: 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32. " +
  "Key sk-proj-abc123DEF456ghi789JKL0mnoPQR and password: hunter22x. Re case number 123456, thanks. Dates 2024-01-15 stay.";

describe("masking a streamed answer", () => {
  test("the sample masks as a whole", () => {
    expect(masker.mask(SAMPLE).hits.map((h) => h.type)).toEqual(["email", "phone", "credit_card", "iban", "api_key", "secret", "case"]);
  });

  test("split into two chunks at every position, the client gets exactly the whole-text masking", () => {
    const expected = masker.mask(SAMPLE).text;
    for (let cut = 1; cut < SAMPLE.length; cut++) {
      const events = chunksOf(SAMPLE, [cut]).map((text): ChatStreamEvent => ({ type: "text", choice: 0, text }));
      const got = textOf(run(maskingStreamFilter(masker), events));
      if (got !== expected) throw new Error(`cut at ${cut}: ${got}`);
    }
  });

  test("split into single characters and random pieces, the result is the same", () => {
    const expected = masker.mask(SAMPLE).text;
    const single = [...SAMPLE].map((text): ChatStreamEvent => ({ type: "text", choice: 0, text }));
    expect(textOf(run(maskingStreamFilter(masker), single))).toBe(expected);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 200; round++) {
      const cuts = [...new Set(Array.from({ length: 12 }, () => 1 + Math.floor(rand() * (SAMPLE.length - 1))))].sort((a, b) => a - b);
      const events = chunksOf(SAMPLE, cuts).map((text): ChatStreamEvent => ({ type: "text", choice: 0, text }));
      expect(textOf(run(maskingStreamFilter(masker), events))).toBe(expected);
    }
  });

  test("text is released as soon as no match can reach it, at word boundaries", () => {
    const f = maskingStreamFilter(masker);
    const long = "The quick brown fox jumps over the lazy dog, again and again, until the sun sets over the hills. ";
    const out = f.push({ type: "text", choice: 0, text: long + long });
    expect(Array.isArray(out)).toBe(true);
    const released = textOf(out as ChatStreamEvent[]);
    expect(released.length).toBeGreaterThan(0);
    expect(released.endsWith(" ")).toBe(true);
    // Held back: no more than the detectors' reach plus the last word.
    expect((long + long).length - released.length).toBeLessThanOrEqual(masker.reach + 8);
  });

  test("a choice's held text goes out before its finish; choices are held apart", () => {
    const f = maskingStreamFilter(masker);
    const out = run(f, [
      { type: "start", id: "c1", model: "m", created: 1 },
      { type: "text", choice: 0, text: "mail ann@exa" },
      { type: "text", choice: 1, text: "card 4111 1111 " },
      { type: "text", choice: 0, text: "mple.com" },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "text", choice: 1, text: "1111 1111" },
      { type: "finish", choice: 1, reason: "stop" },
      { type: "usage", usage: { inputTokens: 1, outputTokens: 2 } },
    ]);
    expect(textOf(out, 0)).toBe("mail [REDACTED:email]");
    expect(textOf(out, 1)).toBe("card [REDACTED:credit_card]");
    const finish0 = out.findIndex((e) => e.type === "finish" && e.choice === 0);
    const lastText0 = out.findLastIndex((e) => e.type === "text" && e.choice === 0);
    expect(lastText0).toBeLessThan(finish0);
    expect(out[0]?.type).toBe("start");
    expect(out.at(-1)?.type).toBe("usage");
  });

  test("tool-call argument deltas are masked across chunks and stay valid JSON", () => {
    const f = maskingStreamFilter(masker);
    const args = JSON.stringify({ to: "ann@example.com", note: "card 4111 1111 1111 1111" });
    const pieces = args.match(/.{1,5}/g)!;
    const out = run(f, [
      { type: "text", choice: 0, text: "Sending now" },
      { type: "tool_call_start", choice: 0, tool: 0, id: "call_1", name: "send" },
      ...pieces.map((a): ChatStreamEvent => ({ type: "tool_call_delta", choice: 0, tool: 0, arguments: a })),
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
    const joined = out
      .filter((e): e is Extract<ChatStreamEvent, { type: "tool_call_delta" }> => e.type === "tool_call_delta")
      .map((e) => e.arguments)
      .join("");
    expect(JSON.parse(joined)).toEqual({ to: "[REDACTED:email]", note: "card [REDACTED:credit_card]" });
    // The text before the tool call went out before the call started.
    expect(out.findIndex((e) => e.type === "text")).toBeLessThan(out.findIndex((e) => e.type === "tool_call_start"));
  });

  test("refusal text is masked; log-probabilities are dropped", () => {
    const out = run(maskingStreamFilter(masker), [
      { type: "refusal", choice: 0, text: "I will not email ann@" },
      { type: "logprobs", choice: 0, logprobs: [{ token: "ann@", logprob: -0.1 }] },
      { type: "refusal", choice: 0, text: "example.com." },
    ]);
    expect(out.filter((e) => e.type === "refusal").map((e) => (e as { text: string }).text).join("")).toBe("I will not email [REDACTED:email].");
    expect(out.some((e) => e.type === "logprobs")).toBe(false);
  });
});

describe("hold-back limits", () => {
  test("an endless word is released in pieces once it runs past the limit, masked as far as it matched", () => {
    const f = maskingStreamFilter(masker);
    const out: ChatStreamEvent[] = [];
    const push = (text: string) => {
      const r = f.push({ type: "text", choice: 0, text });
      if (r instanceof WaygateError) throw r;
      out.push(...r);
    };
    push("token=");
    for (let i = 0; i < 200; i++) push("A1b2C3d4".repeat(4));
    // Released before the end: nothing waits for a whitespace that never comes.
    const early = textOf(out);
    expect(early.length).toBeGreaterThan(0);
    expect(early.startsWith("token=[REDACTED:secret]")).toBe(true);
    expect(early).not.toContain("A1b2");
  });
});
