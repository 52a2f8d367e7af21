/**
 * toolConfig for Converse. response_format json_schema uses the same forced
 * answer-tool approach as the Anthropic adapter (Converse has no JSON mode):
 * a reserved tool whose input schema is the requested schema, forced with
 * toolChoice, whose input comes back as the message text.
 *
 * Converse has no "none" tool choice. With tool_choice none the tools are
 * left out entirely — unless the conversation already holds tool calls or
 * results, which Converse only accepts with a toolConfig present; then the
 * tools stay with automatic choice (a documented limitation).
 */
import type { ChatRequest, Message, ToolChoice } from "../../types.ts";
import type { BedrockToolChoice, BedrockToolConfig, BedrockToolSpec } from "./wire.ts";

export const ANSWER_TOOL = "json_response";

export function toBedrockToolConfig(req: ChatRequest): BedrockToolConfig | undefined {
  const format = req.responseFormat?.type === "json_schema" ? req.responseFormat : undefined;
  const clientTools = req.tools ?? [];
  const none = req.toolChoice === "none";
  const keepClientTools = clientTools.length > 0 && (!none || holdsToolTraffic(req.messages));
  const tools: BedrockToolSpec[] = keepClientTools ? clientTools.map((t) => spec(t.name, t.description, t.parameters)) : [];
  if (format) tools.push(spec(ANSWER_TOOL, format.description ?? `Respond with a ${format.name} object. Always answer by calling this tool.`, format.schema));
  if (tools.length === 0) return undefined;
  const choice = format ? answerChoice(req.toolChoice, keepClientTools) : plainChoice(req.toolChoice);
  return choice ? { tools, toolChoice: choice } : { tools };
}

function spec(name: string, description: string | undefined, schema: Record<string, unknown>): BedrockToolSpec {
  return { toolSpec: { name, ...(description !== undefined ? { description } : {}), inputSchema: { json: schema } } };
}

function holdsToolTraffic(messages: Message[]): boolean {
  return messages.some((m) => m.role === "tool" || (m.role === "assistant" && (m.toolCalls?.length ?? 0) > 0));
}

function plainChoice(c: ToolChoice | undefined): BedrockToolChoice | undefined {
  if (c === "auto") return { auto: {} };
  if (c === "required") return { any: {} };
  if (typeof c === "object") return { tool: { name: c.name } };
  return undefined;
}

function answerChoice(c: ToolChoice | undefined, clientTools: boolean): BedrockToolChoice {
  if (typeof c === "object") return { tool: { name: c.name } };
  if (!clientTools || c === "none") return { tool: { name: ANSWER_TOOL } };
  return { any: {} };
}
