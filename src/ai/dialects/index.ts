/** The client dialects, by the name ClientDialect reports. */
import type { ClientDialect } from "../dialect.ts";
import { anthropicMessagesDialect } from "./anthropic-messages/index.ts";
import { openAIChatDialect } from "./openai-chat/index.ts";
import { openAIResponsesDialect } from "./openai-responses/index.ts";

export const openaiChat: ClientDialect = openAIChatDialect;
export const openaiResponses: ClientDialect = openAIResponsesDialect;
export const anthropicMessages: ClientDialect = anthropicMessagesDialect;

export const DIALECTS: Readonly<Record<ClientDialect["name"], ClientDialect>> = {
  openai_chat: openaiChat,
  openai_responses: openaiResponses,
  anthropic_messages: anthropicMessages,
};

/** Whose error format a path of an AI service answers in: Anthropic's on /messages, OpenAI's elsewhere. */
export function dialectForPath(path: string): ClientDialect {
  const p = path.endsWith("/") ? path.slice(0, -1) : path;
  return p.endsWith("/messages") ? anthropicMessages : openaiChat;
}
