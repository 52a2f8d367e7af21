/** OpenAI-shaped embeddings: request body and response parsing. */
import { WaygateError } from "../../../core/errors.ts";
import type { EmbeddingsRequest, EmbeddingsResponse } from "../../types.ts";
import { arr, num, obj, str } from "../shared/json.ts";

export function openAiEmbeddingsBody(req: EmbeddingsRequest): Record<string, unknown> {
  // Always floats: the client dialect encodes base64 itself when asked.
  const body: Record<string, unknown> = { model: req.model, input: req.input, encoding_format: "float" };
  if (req.dimensions !== undefined) body.dimensions = req.dimensions;
  if (req.user !== undefined) body.user = req.user;
  return body;
}

export function parseEmbeddings(body: unknown, req: EmbeddingsRequest, provider: string): EmbeddingsResponse {
  const root = obj(body);
  if (!root || !Array.isArray(root.data)) throw new WaygateError("provider_error", `${provider} answered embeddings without data`);
  const rows = arr(root.data).flatMap((d, position) => {
    const row = obj(d);
    if (!row || !Array.isArray(row.embedding)) return [];
    return [{ index: num(row.index) ?? position, embedding: arr(row.embedding).map((x) => num(x) ?? 0) }];
  });
  if (rows.length !== req.input.length) {
    throw new WaygateError("provider_error", `${provider} returned ${rows.length} embeddings for ${req.input.length} inputs`);
  }
  rows.sort((a, b) => a.index - b.index);
  const usage = obj(root.usage);
  return {
    model: str(root.model) || req.model,
    embeddings: rows.map((r) => r.embedding),
    usage: { inputTokens: num(usage?.prompt_tokens) ?? num(usage?.total_tokens) ?? 0 },
  };
}
