/**
 * Gemini embeddings: `:embedContent` and `:batchEmbedContents` (Gemini API),
 * `:embedContent` and `:predict` (Vertex AI). Vectors are the shared
 * deterministic ones; `outputDimensionality` sets their length.
 */
import { DEFAULT_DIMENSIONS, embedText } from "../../common/embedding.ts";
import { asArray, asString, isObject, type JsonObject } from "../../common/http.ts";
import { countTextTokens } from "../../common/tokens.ts";
import { invalid } from "./errors.ts";

export type EmbedMethod = "embedContent" | "batchEmbedContents" | "predict";

function contentText(content: unknown, where: string): string {
  if (!isObject(content)) invalid(`* ${where}.content: content is not specified`);
  const texts = asArray(content.parts).flatMap((p) => (isObject(p) && typeof p.text === "string" ? [p.text] : []));
  if (texts.length === 0) invalid(`* ${where}.content.parts: contents.parts must not be empty.`);
  return texts.join("\n");
}

function dimensions(v: unknown): number {
  if (v === undefined) return DEFAULT_DIMENSIONS;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) invalid("* output_dimensionality: must be a positive integer.");
  return v;
}

/** The texts an embedding request carries, for fault markers and validation. */
export function embedInputs(method: EmbedMethod, body: JsonObject): string[] {
  switch (method) {
    case "embedContent":
      return [contentText(body.content, "EmbedContentRequest")];
    case "batchEmbedContents": {
      const requests = asArray(body.requests);
      if (requests.length === 0) invalid("* BatchEmbedContentsRequest.requests: requests is not specified");
      return requests.map((r, i) => contentText(isObject(r) ? r.content : undefined, `BatchEmbedContentsRequest.requests[${i}]`));
    }
    case "predict": {
      const instances = asArray(body.instances);
      if (instances.length === 0) invalid("instances is required.");
      return instances.map((inst) => {
        const text = isObject(inst) ? asString(inst.content) : undefined;
        return text ?? invalid("The `content` field is required in each instance.");
      });
    }
  }
}

export function embedResponse(method: EmbedMethod, body: JsonObject, texts: string[], vertex: boolean): Record<string, unknown> {
  switch (method) {
    case "embedContent": {
      const values = embedText(texts[0] ?? "", dimensions(body.outputDimensionality));
      return vertex ? { embedding: { values }, usageMetadata: { promptTokenCount: countTextTokens(texts[0] ?? "") }, truncated: false } : { embedding: { values } };
    }
    case "batchEmbedContents": {
      const requests = asArray(body.requests);
      return { embeddings: texts.map((t, i) => ({ values: embedText(t, dimensions((requests[i] as JsonObject | undefined)?.outputDimensionality)) })) };
    }
    case "predict": {
      const params = isObject(body.parameters) ? body.parameters : {};
      const dims = dimensions(params.outputDimensionality);
      return {
        predictions: texts.map((t) => ({ embeddings: { values: embedText(t, dims), statistics: { token_count: countTextTokens(t), truncated: false } } })),
        metadata: { billableCharacterCount: texts.reduce((n, t) => n + t.replace(/\s/g, "").length, 0) },
      };
    }
  }
}
