/**
 * The provider-neutral summary of a request that every simulated provider
 * builds from its own wire format, so the deterministic behaviour (reply
 * text, tool calls, JSON output, token counts) is identical everywhere.
 *
 * How to fill it from a provider's body:
 * - `system`: a system prompt/instruction is present (a field or a system-role message).
 * - `messages`: the provider's non-system messages, as they appear on the wire.
 * - `messageTexts`: every piece of text in the request (system included):
 *   message text, tool-result text; used for input token counts.
 * - `lastUserText`: the text of the last message when it is a user message
 *   carrying text (tool results alone do not count), else "".
 * - `lastIsUser`: the last message is a user turn (not a tool result), so a
 *   tool call is a sensible answer.
 */
import type { JsonSchema } from "../../ai/types.ts";

export interface MockToolSpec {
  name: string;
  parameters: JsonSchema;
}

export type MockToolChoice = "auto" | "none" | "required" | { name: string };

export interface ConversationSummary {
  /** Handler name, e.g. "openai": the reply starts with `[<provider>:<model>]`. */
  provider: string;
  model: string;
  system: boolean;
  messages: number;
  tools: MockToolSpec[];
  toolChoice: MockToolChoice;
  /** False only when the request forbids parallel tool calls. */
  parallelToolCalls: boolean;
  images: number;
  toolResults: number;
  messageTexts: string[];
  lastUserText: string;
  lastIsUser: boolean;
  /** Structured output requested: a JSON schema, or any JSON object. */
  output?: { kind: "json_schema"; schema: JsonSchema } | { kind: "json_object" };
}

/** The first line of every reply: proves which provider answered and what arrived. */
export function replyText(s: ConversationSummary): string {
  return (
    `[${s.provider}:${s.model}] system=${s.system ? 1 : 0} messages=${s.messages} ` +
    `tools=${s.tools.length} images=${s.images} tool_results=${s.toolResults} | ${s.lastUserText}`
  );
}
