/**
 * Money for one call from its usage and the model's catalog prices. Cached
 * input tokens are billed at the cached rate and cache writes at the write
 * rate (each at the plain input rate when the catalog has no such rate);
 * reasoning tokens are part of the output and billed with it. Unknown
 * prices give null, never 0, so "free" and "unknown" stay apart.
 */
import type { ModelInfo } from "./catalog/types.ts";
import type { Usage } from "./types.ts";

export interface CallCost {
  cost_usd: number | null;
  input_cost: number | null;
  output_cost: number | null;
}

const PER_TOKEN = 1 / 1_000_000;

function inputCost(usage: Usage, info: ModelInfo, rate: number): number {
  const total = Math.max(0, usage.inputTokens);
  const cached = Math.min(Math.max(0, usage.cachedInputTokens ?? 0), total);
  const written = Math.min(Math.max(0, usage.cacheWriteInputTokens ?? 0), total - cached);
  const plain = total - cached - written;
  return (plain * rate + cached * (info.cachedInputPerMTok ?? rate) + written * (info.cacheWritePerMTok ?? rate)) * PER_TOKEN;
}

export function costOf(usage: Usage, info: ModelInfo | undefined): CallCost {
  const inputRate = info?.inputPerMTok;
  if (!info || inputRate === undefined) return { cost_usd: null, input_cost: null, output_cost: null };
  const input = inputCost(usage, info, inputRate);
  const outputTokens = Math.max(0, usage.outputTokens);
  // An embeddings model has no output price and no output tokens: that is a known zero.
  const output = info.outputPerMTok !== undefined ? outputTokens * info.outputPerMTok * PER_TOKEN : outputTokens === 0 ? 0 : null;
  return { cost_usd: output === null ? null : input + output, input_cost: input, output_cost: output };
}
