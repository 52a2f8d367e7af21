/** `/v2/embed`: deterministic vectors per requested embedding type (float, base64; integer types quantized). */
import { embedText, float32Base64 } from "../../common/embedding.ts";
import { selectFault } from "../../common/faults.ts";
import { asArray, asString, jsonResponse, type JsonObject } from "../../common/http.ts";
import { countTextTokens } from "../../common/tokens.ts";
import { applyTransportFault } from "../../common/transport.ts";
import type { MockControl } from "../../types.ts";
import { cohereError, cohereFaultError } from "./errors.ts";

const TYPES = ["float", "int8", "uint8", "binary", "ubinary", "base64"] as const;

export async function handleEmbed(req: Request, body: JsonObject, ctl: MockControl, model: string): Promise<Response> {
  const texts = asArray(body.texts).map(asString);
  if (texts.length === 0 || texts.some((t) => t === undefined)) return cohereError(400, "invalid request: texts must be a non-empty list of strings");
  if (!asString(body.input_type)) return cohereError(400, "invalid request: input_type is required for embed models v3 and higher");
  const strings = texts as string[];
  const fault = selectFault(ctl, "cohere", strings.join(" "));
  const early = await applyTransportFault(fault, req);
  if (early) return early;
  const error = cohereFaultError(fault);
  if (error) return error;
  const dims = typeof body.output_dimension === "number" ? body.output_dimension : 1536;
  const vectors = strings.map((t) => embedText(t, dims));
  const requested = asArray(body.embedding_types).filter((t): t is (typeof TYPES)[number] => TYPES.includes(t as (typeof TYPES)[number]));
  const embeddings: Record<string, unknown> = {};
  for (const type of requested.length > 0 ? requested : ["float" as const]) embeddings[type] = encode(vectors, type);
  const tokens = strings.reduce((n, t) => n + countTextTokens(t), 0);
  return jsonResponse({
    id: crypto.randomUUID(),
    embeddings,
    texts: strings,
    meta: { api_version: { version: "2" }, billed_units: { input_tokens: tokens } },
    response_type: "embeddings_by_type",
  });
}

function encode(vectors: number[][], type: (typeof TYPES)[number]): unknown {
  switch (type) {
    case "float":
      return vectors;
    case "base64":
      return vectors.map(float32Base64);
    case "int8":
      return vectors.map((v) => v.map((x) => Math.round(x * 127)));
    case "uint8":
      return vectors.map((v) => v.map((x) => Math.round((x + 1) * 127.5)));
    case "binary":
    case "ubinary":
      return vectors.map((v) => packBits(v, type === "binary"));
  }
}

function packBits(v: number[], signed: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 8) {
    let byte = 0;
    for (let b = 0; b < 8; b++) byte = (byte << 1) | ((v[i + b] ?? 0) > 0 ? 1 : 0);
    out.push(signed ? byte - 128 : byte);
  }
  return out;
}
