import { expect, test } from "bun:test";
import type { ModelInfo } from "../../src/ai/catalog/types.ts";
import { createCatalog } from "../../src/ai/catalog/index.ts";
import { costOf } from "../../src/ai/cost.ts";

const caps = { tools: true, vision: false, reasoning: false, json: true };
const model: ModelInfo = { provider: "anthropic", source: "test", id: "m", name: "m", capabilities: caps, inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75 };

test("input and output at their rates per million tokens", () => {
  const c = costOf({ inputTokens: 1_000_000, outputTokens: 200_000 }, model);
  expect(c.input_cost).toBeCloseTo(3, 10);
  expect(c.output_cost).toBeCloseTo(3, 10);
  expect(c.cost_usd).toBeCloseTo(6, 10);
});

test("cached input at the cached rate, cache writes at the write rate, the rest at the input rate", () => {
  const c = costOf({ inputTokens: 10_000, cachedInputTokens: 6_000, cacheWriteInputTokens: 2_000, outputTokens: 1_000 }, model);
  // 2,000 plain × 3 + 6,000 cached × 0.3 + 2,000 written × 3.75, per million.
  expect(c.input_cost).toBeCloseTo((2_000 * 3 + 6_000 * 0.3 + 2_000 * 3.75) / 1e6, 12);
  expect(c.output_cost).toBeCloseTo((1_000 * 15) / 1e6, 12);
  expect(c.cost_usd).toBeCloseTo(c.input_cost! + c.output_cost!, 12);
});

test("without a cached or write rate, those tokens cost the input rate; counts beyond the input are clamped", () => {
  const plain: ModelInfo = { ...model, cachedInputPerMTok: undefined, cacheWritePerMTok: undefined };
  expect(costOf({ inputTokens: 1000, cachedInputTokens: 400, cacheWriteInputTokens: 100, outputTokens: 0 }, plain).input_cost).toBeCloseTo(0.003, 12);
  expect(costOf({ inputTokens: 1000, cachedInputTokens: 5000, outputTokens: 0 }, model).input_cost).toBeCloseTo((1000 * 0.3) / 1e6, 12);
});

test("reasoning tokens are inside the output, not billed twice", () => {
  const withReasoning = costOf({ inputTokens: 0, outputTokens: 1000, reasoningTokens: 800 }, model);
  expect(withReasoning.output_cost).toBeCloseTo(0.015, 12);
  expect(withReasoning.cost_usd).toBeCloseTo(0.015, 12);
});

test("unknown model or unknown prices give null, not zero", () => {
  expect(costOf({ inputTokens: 10, outputTokens: 10 }, undefined)).toEqual({ cost_usd: null, input_cost: null, output_cost: null });
  expect(costOf({ inputTokens: 10, outputTokens: 10 }, { ...model, inputPerMTok: undefined }).cost_usd).toBeNull();
  const noOutputPrice = { ...model, outputPerMTok: undefined };
  expect(costOf({ inputTokens: 10, outputTokens: 10 }, noOutputPrice).cost_usd).toBeNull();
  // An embeddings call: no output tokens, so a missing output price costs nothing.
  expect(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, noOutputPrice).cost_usd).toBeCloseTo(3, 10);
});

test("with catalog prices: gpt-4o with a cached prefix", () => {
  const info = createCatalog([]).lookup("openai", "gpt-4o-2024-08-06");
  const c = costOf({ inputTokens: 2_000, cachedInputTokens: 1_024, outputTokens: 500 }, info);
  expect(c.cost_usd).toBeCloseTo((976 * 2.5 + 1_024 * 1.25 + 500 * 10) / 1e6, 12);
});
