import { expect, test } from "bun:test";
import { withTargetParams } from "../../../src/ai/runtime/target-params.ts";
import type { ChatRequest } from "../../../src/ai/types.ts";

const base: ChatRequest = { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], stream: false, maxTokens: 10 };

test("OpenAI parameter names map onto the unified request", () => {
  const out = withTargetParams(base, { max_tokens: 99, temperature: 0.2, top_p: 0.5, stop: "END", seed: 7, reasoning_effort: "low" });
  expect(out).toMatchObject({ maxTokens: 99, temperature: 0.2, topP: 0.5, stop: ["END"], seed: 7, reasoningEffort: "low" });
  expect(base.maxTokens).toBe(10);
});

test("unknown names and wrong types change nothing", () => {
  const out = withTargetParams(base, { max_tokens: "lots", messages: [], model: "other", bogus: 1 });
  expect(out).toEqual(base);
});
