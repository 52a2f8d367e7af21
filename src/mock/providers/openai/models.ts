/** `/v1/models` and `/v1/models/{id}` in OpenAI's shape. */
import { jsonResponse } from "../../common/http.ts";
import { openaiError } from "./errors.ts";

export const OPENAI_MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini", "text-embedding-3-small", "text-embedding-3-large"];

const CREATED = 1_715_367_049;

function model(id: string) {
  return { id, object: "model", created: CREATED, owned_by: "system" };
}

export function listModels(ids: readonly string[] = OPENAI_MODELS): Response {
  return jsonResponse({ object: "list", data: ids.map(model) });
}

export function getModel(id: string, ids: readonly string[] = OPENAI_MODELS): Response {
  if (!ids.includes(id)) {
    return openaiError(404, { message: `The model '${id}' does not exist`, type: "invalid_request_error", param: "model", code: "model_not_found" });
  }
  return jsonResponse(model(id));
}
