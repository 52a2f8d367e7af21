/**
 * Tools, tool_choice and response_format for Cohere v2. Cohere's tool_choice
 * knows only REQUIRED and NONE (absent = auto); a named choice is REQUIRED
 * with the tool list narrowed to that tool. response_format json_schema is
 * `{type: "json_object", json_schema}`.
 */
import type { ChatRequest } from "../../types.ts";

export function toCohereTools(req: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const choice = req.toolChoice;
  const named = typeof choice === "object" ? choice.name : undefined;
  const defs = (req.tools ?? []).filter((t) => named === undefined || t.name === named);
  if (defs.length > 0) {
    out.tools = defs.map((t) => ({
      type: "function",
      function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.parameters },
    }));
    if (choice === "required" || named !== undefined) out.tool_choice = "REQUIRED";
    else if (choice === "none") out.tool_choice = "NONE";
  }
  const f = req.responseFormat;
  if (f?.type === "json_object") out.response_format = { type: "json_object" };
  else if (f?.type === "json_schema") out.response_format = { type: "json_object", json_schema: f.schema };
  return out;
}
