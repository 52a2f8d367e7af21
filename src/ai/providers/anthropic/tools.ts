/**
 * Tool definitions, tool_choice and response_format for Anthropic.
 *
 * response_format json_schema: Anthropic's own structured-output setting
 * (output_config.format) exists only on recent models, so Waygate uses the
 * approach that works on every Claude model — a reserved answer tool whose
 * input schema is the requested schema, which the model is forced to call.
 * The answer tool's input comes back to the client as the message text (and
 * finish reason "stop"), never as a tool call. When the client offers its own
 * tools too, tool_choice becomes "any" so the model may still call them.
 * json_object (no schema) has no Anthropic equivalent and is sent as plain
 * text generation.
 */
import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from "../../types.ts";
import type { AnthropicTool, AnthropicToolChoice } from "./wire.ts";

/** The reserved answer tool carrying a json_schema response. */
export const ANSWER_TOOL = "json_response";

export interface AnthropicToolFields {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

export function toAnthropicTools(req: ChatRequest): AnthropicToolFields {
  const tools = (req.tools ?? []).map(toolDef);
  const answer = answerTool(req.responseFormat);
  if (answer) tools.push(answer);
  if (tools.length === 0) return {};
  const choice = toolChoice(req, answer !== undefined);
  return choice ? { tools, tool_choice: choice } : { tools };
}

function toolDef(t: ToolDefinition): AnthropicTool {
  const out: AnthropicTool = { name: t.name, input_schema: t.parameters };
  if (t.description !== undefined) out.description = t.description;
  return out;
}

function answerTool(format: ResponseFormat | undefined): AnthropicTool | undefined {
  if (format?.type !== "json_schema") return undefined;
  return {
    name: ANSWER_TOOL,
    description: format.description ?? `Respond with a ${format.name} object. Always answer by calling this tool.`,
    input_schema: format.schema,
  };
}

function toolChoice(req: ChatRequest, hasAnswer: boolean): AnthropicToolChoice | undefined {
  const clientTools = (req.tools ?? []).length > 0;
  let choice: AnthropicToolChoice | undefined;
  if (hasAnswer) choice = answerChoice(req.toolChoice, clientTools);
  else if (req.toolChoice !== undefined) choice = plainChoice(req.toolChoice);
  if (req.parallelToolCalls === false && choice?.type !== "none") {
    return { ...(choice ?? { type: "auto" }), disable_parallel_tool_use: true };
  }
  return choice;
}

function plainChoice(c: ToolChoice): AnthropicToolChoice {
  if (c === "auto") return { type: "auto" };
  if (c === "none") return { type: "none" };
  if (c === "required") return { type: "any" };
  return { type: "tool", name: c.name };
}

function answerChoice(c: ToolChoice | undefined, clientTools: boolean): AnthropicToolChoice {
  if (typeof c === "object") return { type: "tool", name: c.name };
  if (!clientTools || c === "none") return { type: "tool", name: ANSWER_TOOL };
  return { type: "any" };
}
