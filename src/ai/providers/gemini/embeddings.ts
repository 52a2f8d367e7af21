/**
 * Gemini API embeddings: POST models/{model}:batchEmbedContents, one request
 * per input. The Gemini API reports no token counts for embeddings, so usage
 * is counted with the gateway's tokenizer and marked as estimated.
 */
import { WaygateError } from "../../../core/errors.ts";
import type { EmbeddingsRequest, EmbeddingsResponse } from "../../types.ts";
import { estimateTextTokens } from "../../tokens.ts";
import { arr, num, obj } from "../shared/json.ts";
import { modelId } from "./body.ts";

const TASK_TYPES: Record<NonNullable<EmbeddingsRequest["inputType"]>, string> = {
  search_document: "RETRIEVAL_DOCUMENT",
  search_query: "RETRIEVAL_QUERY",
  classification: "CLASSIFICATION",
  clustering: "CLUSTERING",
};

export function taskType(req: EmbeddingsRequest): string | undefined {
  return req.inputType !== undefined ? TASK_TYPES[req.inputType] : undefined;
}

export function geminiEmbeddingsBody(req: EmbeddingsRequest): Record<string, unknown> {
  const model = `models/${modelId(req.model)}`;
  const task = taskType(req);
  return {
    requests: req.input.map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(task !== undefined ? { taskType: task } : {}),
      ...(req.dimensions !== undefined ? { outputDimensionality: req.dimensions } : {}),
    })),
  };
}

export function geminiEmbeddingsResponse(body: unknown, req: EmbeddingsRequest): EmbeddingsResponse {
  const rows = arr(obj(body)?.embeddings).map((e) => arr(obj(e)?.values).map((x) => num(x) ?? 0));
  if (rows.length !== req.input.length) {
    throw new WaygateError("provider_error", `gemini returned ${rows.length} embeddings for ${req.input.length} inputs`);
  }
  return { model: req.model, embeddings: rows, usage: { inputTokens: estimatedTokens(req.input), estimated: true } };
}

export function estimatedTokens(input: string[]): number {
  return input.reduce((n, s) => n + estimateTextTokens(s), 0);
}
