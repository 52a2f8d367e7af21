/**
 * Tool definitions, tool_choice and response_format for Gemini. Parameters
 * go in `parametersJsonSchema` (full JSON Schema) rather than `parameters`
 * (Gemini's OpenAPI subset), so client schemas pass unchanged; likewise a
 * json_schema response format goes in `responseJsonSchema` with
 * responseMimeType application/json.
 */
import type { ChatRequest, ToolChoice } from "../../types.ts";
import type { GeminiFunctionDeclaration, GeminiToolConfig } from "./wire.ts";

export interface GeminiToolFields {
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: GeminiToolConfig;
}

export function toGeminiTools(req: ChatRequest): GeminiToolFields {
  const defs = req.tools ?? [];
  if (defs.length === 0) return {};
  const functionDeclarations = defs.map(
    (t): GeminiFunctionDeclaration => ({
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      parametersJsonSchema: t.parameters,
    }),
  );
  const out: GeminiToolFields = { tools: [{ functionDeclarations }] };
  if (req.toolChoice !== undefined) out.toolConfig = { functionCallingConfig: callingConfig(req.toolChoice) };
  return out;
}

function callingConfig(c: ToolChoice): GeminiToolConfig["functionCallingConfig"] {
  if (c === "auto") return { mode: "AUTO" };
  if (c === "none") return { mode: "NONE" };
  if (c === "required") return { mode: "ANY" };
  return { mode: "ANY", allowedFunctionNames: [c.name] };
}

/** generationConfig entries for the response format. */
export function responseFormatConfig(req: ChatRequest): Record<string, unknown> {
  const f = req.responseFormat;
  if (f?.type === "json_object") return { responseMimeType: "application/json" };
  if (f?.type === "json_schema") return { responseMimeType: "application/json", responseJsonSchema: f.schema };
  return {};
}
