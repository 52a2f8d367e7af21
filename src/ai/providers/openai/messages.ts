/** Unified messages → OpenAI chat messages. */
import type { Message } from "../../types.ts";
import { textContent, userContent } from "./content.ts";
import type { OaMessage } from "./wire.ts";

export function toOpenAiMessages(messages: Message[]): OaMessage[] {
  return messages.map(toOpenAiMessage);
}

function toOpenAiMessage(m: Message): OaMessage {
  switch (m.role) {
    case "system":
      return { role: "system", content: textContent(m.content) };
    case "user": {
      const out: OaMessage = { role: "user", content: userContent(m.content) };
      if (m.name !== undefined) out.name = m.name;
      return out;
    }
    case "assistant": {
      const text = textContent(m.content);
      const calls = m.toolCalls ?? [];
      const out: OaMessage = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
      if (calls.length > 0) {
        out.tool_calls = calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }));
      }
      if (m.refusal !== undefined) out.refusal = m.refusal;
      return out;
    }
    case "tool":
      // OpenAI tool results are text only, and have no error flag: the text says it.
      return { role: "tool", tool_call_id: m.toolCallId, content: textContent(m.content) };
  }
}
