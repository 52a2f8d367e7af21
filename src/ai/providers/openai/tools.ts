/** Tools, tool_choice and response_format in OpenAI's shapes. */
import type { ResponseFormat, ToolChoice, ToolDefinition } from "../../types.ts";
import type { OaResponseFormat, OaTool, OaToolChoice } from "./wire.ts";

export function toOpenAiTools(tools: ToolDefinition[]): OaTool[] {
  return tools.map((t) => {
    const fn: OaTool["function"] = { name: t.name, parameters: t.parameters };
    if (t.description !== undefined) fn.description = t.description;
    if (t.strict !== undefined) fn.strict = t.strict;
    return { type: "function", function: fn };
  });
}

export function toOpenAiToolChoice(choice: ToolChoice): OaToolChoice {
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}

export function toOpenAiResponseFormat(format: ResponseFormat): OaResponseFormat {
  if (format.type !== "json_schema") return { type: format.type };
  const schema: Extract<OaResponseFormat, { type: "json_schema" }>["json_schema"] = { name: format.name, schema: format.schema };
  if (format.strict !== undefined) schema.strict = format.strict;
  if (format.description !== undefined) schema.description = format.description;
  return { type: "json_schema", json_schema: schema };
}
