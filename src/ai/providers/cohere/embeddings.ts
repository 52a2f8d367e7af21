/**
 * Cohere v2 embed: POST /v2/embed with float embeddings requested. Embed v3+
 * models require input_type; when the client gave none, search_document is
 * sent (the type for text stored and compared later, the usual case).
 */
import { WaygateError } from "../../../core/errors.ts";
import type { EmbeddingsRequest, EmbeddingsResponse } from "../../types.ts";
import { arr, num, obj } from "../shared/json.ts";

export function cohereEmbeddingsBody(req: EmbeddingsRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    texts: req.input,
    input_type: req.inputType ?? "search_document",
    embedding_types: ["float"],
  };
  if (req.dimensions !== undefined) body.output_dimension = req.dimensions;
  return body;
}

export function cohereEmbeddingsResponse(body: unknown, req: EmbeddingsRequest): EmbeddingsResponse {
  const root = obj(body) ?? {};
  // embeddings_by_type answers {float: [[…]]}; the legacy embeddings_floats shape is a bare array.
  const raw = Array.isArray(root.embeddings) ? root.embeddings : obj(root.embeddings)?.float;
  const rows = arr(raw).map((row) => arr(row).map((x) => num(x) ?? 0));
  if (rows.length !== req.input.length) {
    throw new WaygateError("provider_error", `cohere returned ${rows.length} embeddings for ${req.input.length} inputs`);
  }
  const billed = num(obj(obj(root.meta)?.billed_units)?.input_tokens);
  return { model: req.model, embeddings: rows, usage: { inputTokens: billed ?? 0 } };
}
