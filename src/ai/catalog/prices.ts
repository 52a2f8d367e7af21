/**
 * Token prices from a genai-prices entry. Tiered prices (more per token past
 * a prompt size) are read at their base tier; date-dependent prices at the
 * tier in force when the catalog is built.
 */
import type { ConditionalPrice, ModelPrice } from "@pydantic/genai-prices";

export interface TokenPrices {
  inputPerMTok?: number;
  outputPerMTok?: number;
  cachedInputPerMTok?: number;
  cacheWritePerMTok?: number;
}

function base(value: ModelPrice[string]): number | undefined {
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && typeof value.base === "number") return value.base;
  return undefined;
}

function inForce(prices: ConditionalPrice[], now: Date): ModelPrice | undefined {
  let chosen: ModelPrice | undefined;
  let chosenStart = "";
  for (const p of prices) {
    const c = p.constraint;
    if (!c) {
      if (chosen === undefined) chosen = p.prices;
      continue;
    }
    if (c.type === "start_date" && new Date(c.start_date) <= now && c.start_date >= chosenStart) {
      chosen = p.prices;
      chosenStart = c.start_date;
    }
  }
  return chosen;
}

export function tokenPrices(prices: ModelPrice | ConditionalPrice[], now: Date): TokenPrices {
  const p = Array.isArray(prices) ? inForce(prices, now) : prices;
  if (!p) return {};
  const out: TokenPrices = {};
  const input = base(p.input_mtok);
  const output = base(p.output_mtok);
  const cacheRead = base(p.cache_read_mtok);
  const cacheWrite = base(p.cache_write_mtok);
  if (input !== undefined) out.inputPerMTok = input;
  if (output !== undefined) out.outputPerMTok = output;
  if (cacheRead !== undefined) out.cachedInputPerMTok = cacheRead;
  if (cacheWrite !== undefined) out.cacheWritePerMTok = cacheWrite;
  return out;
}
