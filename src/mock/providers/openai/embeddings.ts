/**
 * `/embeddings` for OpenAI, Azure OpenAI and Mistral: deterministic vectors
 * (see common/embedding.ts), float arrays or OpenAI's base64 float32
 * encoding, `dimensions` honored.
 */
import { embedText, float32Base64 } from "../../common/embedding.ts";
import { selectFault } from "../../common/faults.ts";
import { asArray, asString, jsonResponse, type JsonObject } from "../../common/http.ts";
import { countTextTokens } from "../../common/tokens.ts";
import { applyTransportFault } from "../../common/transport.ts";
import type { MockControl, MockFault } from "../../types.ts";
import { badRequest } from "./errors.ts";

export interface EmbeddingsCall {
  req: Request;
  body: JsonObject;
  ctl: MockControl;
  provider: string;
  model: string;
  faultError(fault: MockFault | undefined): Response | undefined;
  /** Mistral adds an id and completion_tokens. */
  mistral?: boolean;
}

export function defaultDimensions(model: string): number {
  if (model.includes("3-large")) return 3072;
  if (model.includes("mistral-embed")) return 1024;
  return 1536;
}

export async function handleEmbeddings(c: EmbeddingsCall): Promise<Response> {
  const inputs = embeddingInputs(c.body.input);
  if (!inputs) return badRequest("'input' must be a string, an array of strings, or an array of token arrays.", "input");
  const fault = selectFault(c.ctl, c.provider, inputs.map((i) => i.text).join(" "));
  const early = await applyTransportFault(fault, c.req);
  if (early) return early;
  const error = c.faultError(fault);
  if (error) return error;
  const requested = c.body.dimensions ?? c.body.output_dimension;
  const dims = typeof requested === "number" && requested > 0 ? Math.floor(requested) : defaultDimensions(c.model);
  const base64 = c.body.encoding_format === "base64";
  const data = inputs.map((input, index) => {
    const vector = embedText(input.text, dims);
    return { object: "embedding", index, embedding: base64 ? float32Base64(vector) : vector };
  });
  const tokens = inputs.reduce((n, i) => n + i.tokens, 0);
  const usage = { prompt_tokens: tokens, total_tokens: tokens, ...(c.mistral ? { completion_tokens: 0 } : {}) };
  return jsonResponse({ ...(c.mistral ? { id: crypto.randomUUID().replaceAll("-", "") } : {}), object: "list", data, model: c.model, usage });
}

/** Strings, or token arrays (their text is the numbers joined, their token count is their length). */
function embeddingInputs(input: unknown): Array<{ text: string; tokens: number }> | undefined {
  const one = (v: unknown) => {
    const s = asString(v);
    if (s !== undefined) return { text: s, tokens: countTextTokens(s) };
    if (Array.isArray(v) && v.every((x) => typeof x === "number")) return { text: v.join(","), tokens: v.length };
    return undefined;
  };
  if (typeof input === "string") return [{ text: input, tokens: countTextTokens(input) }];
  const items = asArray(input);
  if (items.length === 0) return undefined;
  if (items.every((x) => typeof x === "number")) return [{ text: items.join(","), tokens: items.length }];
  const out = items.map(one);
  return out.every((x) => x !== undefined) ? (out as Array<{ text: string; tokens: number }>) : undefined;
}
