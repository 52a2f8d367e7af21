/** OpenAI's own translation parts, reused by Azure and OpenAI-compatible servers. */
import type { ChatBodyParts } from "./body.ts";
import { OPENAI_FIELDS } from "./field-map.ts";
import { toOpenAiMessages } from "./messages.ts";
import { toOpenAiResponseFormat, toOpenAiToolChoice, toOpenAiTools } from "./tools.ts";

export const OPENAI_BODY: ChatBodyParts = {
  fields: OPENAI_FIELDS,
  messages: toOpenAiMessages,
  tools: toOpenAiTools,
  toolChoice: toOpenAiToolChoice,
  responseFormat: toOpenAiResponseFormat,
  streamOptions: true,
};
