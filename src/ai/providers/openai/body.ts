/**
 * Builds an OpenAI-shaped chat body from the declarative field map plus the
 * translation functions a map cannot express. Mistral and every
 * OpenAI-compatible server share this builder with different parts.
 */
import type { ChatRequest, Message, ResponseFormat, ToolChoice, ToolDefinition } from "../../types.ts";
import { applyFieldMap, type FieldMap } from "../shared/field-map.ts";

export interface ChatBodyParts {
  fields: FieldMap;
  messages(messages: Message[]): unknown[];
  tools(tools: ToolDefinition[]): unknown[];
  toolChoice(choice: ToolChoice): unknown;
  responseFormat(format: ResponseFormat): unknown;
  /** Ask for `stream_options: {include_usage: true}` so streamed usage is always known. */
  streamOptions: boolean;
}

export function buildChatBody(req: ChatRequest, parts: ChatBodyParts): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.model, messages: parts.messages(req.messages) };
  const tools = req.tools ?? [];
  // OpenAI rejects tool_choice and parallel_tool_calls without tools; a
  // conversation carried over from another provider may still name them.
  applyFieldMap(tools.length > 0 ? req : { ...req, parallelToolCalls: undefined }, parts.fields, body);
  if (tools.length > 0) {
    body.tools = parts.tools(tools);
    if (req.toolChoice !== undefined) body.tool_choice = parts.toolChoice(req.toolChoice);
  }
  if (req.responseFormat !== undefined) body.response_format = parts.responseFormat(req.responseFormat);
  if (req.stream) {
    body.stream = true;
    if (parts.streamOptions) body.stream_options = { include_usage: true };
  }
  return body;
}
