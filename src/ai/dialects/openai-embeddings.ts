/**
 * `POST /v1/embeddings`: body → EmbeddingsRequest, EmbeddingsResponse → the
 * OpenAI list. Token-array inputs are decoded to text with cl100k_base (the
 * encoding of OpenAI's embedding models), so they reach every provider as
 * text; ids outside that vocabulary are a 400. `input_type` is accepted as
 * an extension and passed to providers that take a task hint.
 */
import { createRequire } from "node:module";
import { z } from "zod";
import type { DialectParseError } from "../dialect.ts";
import type { EmbeddingsRequest, EmbeddingsResponse } from "../types.ts";
import { issueToParseError } from "./shared/zod-issues.ts";

const MAX_INPUTS = 2048;

const tokens = z.array(z.number().int().min(0)).min(1);

const embeddingsBodySchema = z.object({
  model: z.string().min(1),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1),
    tokens,
    z.array(tokens).min(1),
  ]),
  dimensions: z.number().int().min(1).nullish(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  user: z.string().nullish(),
  input_type: z.enum(["search_document", "search_query", "classification", "clustering"]).nullish(),
});

export type ParsedEmbeddings = { ok: true; request: EmbeddingsRequest } | { ok: false; error: DialectParseError };

type Cl100k = typeof import("gpt-tokenizer/encoding/cl100k_base");

// The encoding's tables cost tens of megabytes; token-array inputs are rare, so it loads on the first one.
const load = createRequire(import.meta.url);
let cl100k: Cl100k | undefined;

function decode(ids: number[]): string {
  cl100k ??= load("gpt-tokenizer/encoding/cl100k_base") as Cl100k;
  return cl100k.decode(ids);
}

function decodeTokens(ids: number[], param: string): string | DialectParseError {
  try {
    return decode(ids);
  } catch {
    return { param, message: `Invalid value for '${param}': token ids must be cl100k_base tokens` };
  }
}

export function parseEmbeddings(body: unknown): ParsedEmbeddings {
  const parsed = embeddingsBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: issueToParseError(parsed.error.issues) };
  const b = parsed.data;
  // Checked here rather than in the union, where an over-long string array would be reported as a bad token array.
  if (Array.isArray(b.input) && typeof b.input[0] !== "number" && b.input.length > MAX_INPUTS) {
    return { ok: false, error: { param: "input", message: `Invalid value for 'input': at most ${MAX_INPUTS} inputs per request` } };
  }
  let input: string[];
  if (typeof b.input === "string") input = [b.input];
  else if (b.input.every((x): x is string => typeof x === "string")) input = b.input;
  else if (b.input.every((x): x is number => typeof x === "number")) {
    const text = decodeTokens(b.input, "input");
    if (typeof text !== "string") return { ok: false, error: text };
    input = [text];
  } else {
    input = [];
    for (const [i, ids] of (b.input as number[][]).entries()) {
      const text = decodeTokens(ids, `input.${i}`);
      if (typeof text !== "string") return { ok: false, error: text };
      input.push(text);
    }
  }
  const request: EmbeddingsRequest = { model: b.model, input };
  if (b.dimensions != null) request.dimensions = b.dimensions;
  if (b.encoding_format != null) request.encodingFormat = b.encoding_format;
  if (b.user != null) request.user = b.user;
  if (b.input_type != null) request.inputType = b.input_type;
  return { ok: true, request };
}

/** OpenAI's base64 form: the vector's float32 values, little-endian, base64-encoded. */
export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return Buffer.from(view.buffer).toString("base64");
}

export function renderEmbeddings(res: EmbeddingsResponse, model: string, encodingFormat: "float" | "base64" = "float"): Record<string, unknown> {
  return {
    object: "list",
    data: res.embeddings.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encodingFormat === "base64" ? float32Base64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: res.usage.inputTokens, total_tokens: res.usage.inputTokens },
  };
}
