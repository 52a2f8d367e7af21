/** The generateContent request body, identical for the Gemini API and Vertex AI. */
import type { ChatRequest } from "../../types.ts";
import { applyFieldMap } from "../shared/field-map.ts";
import { isObject } from "../shared/json.ts";
import { toGeminiConversation } from "./contents.ts";
import { GEMINI_FIELDS } from "./fields.ts";
import { responseFormatConfig, toGeminiTools } from "./tools.ts";

export function geminiBody(req: ChatRequest): Record<string, unknown> {
  const conv = toGeminiConversation(req.messages);
  const body: Record<string, unknown> = { contents: conv.contents };
  if (conv.systemInstruction) body.systemInstruction = conv.systemInstruction;
  Object.assign(body, toGeminiTools(req));
  applyFieldMap(req, GEMINI_FIELDS, body);
  const format = responseFormatConfig(req);
  if (Object.keys(format).length > 0) {
    const config = isObject(body.generationConfig) ? body.generationConfig : {};
    body.generationConfig = { ...config, ...format };
  }
  return body;
}

/** Gemini model ids may be given as `models/gemini-…`; URLs want the bare id. */
export function modelId(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}
