/**
 * Unified conversation → Cohere v2 messages. Cohere keeps system messages
 * in the list and has a tool role, so turns map one to one. Text-only
 * content is sent as a string; images as image_url parts (base64 as a data:
 * URL). An assistant turn's text that accompanies tool calls goes to
 * `tool_plan`, the field Cohere uses for the reasoning before tool calls.
 */
import type { ContentPart, Message } from "../../types.ts";

type CohereUserPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } };

export type CohereMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | CohereUserPart[] }
  | {
      role: "assistant";
      content?: string;
      tool_plan?: string;
      tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
    }
  | { role: "tool"; tool_call_id: string; content: string };

export function toCohereMessages(messages: Message[]): CohereMessage[] {
  return messages.map((m): CohereMessage => {
    switch (m.role) {
      case "system":
        return { role: "system", content: textOf(m.content) };
      case "user":
        return { role: "user", content: userContent(m.content) };
      case "tool":
        return { role: "tool", tool_call_id: m.toolCallId, content: textOf(m.content) };
      case "assistant":
        return assistant(m);
    }
  });
}

function textOf(parts: ContentPart[]): string {
  return parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

function userContent(parts: ContentPart[]): string | CohereUserPart[] {
  if (parts.every((p) => p.type === "text")) return textOf(parts);
  return parts.map((p): CohereUserPart => {
    if (p.type === "text") return { type: "text", text: p.text };
    const url = p.source.kind === "url" ? p.source.url : `data:${p.source.mediaType};base64,${p.source.data}`;
    return { type: "image_url", image_url: p.detail !== undefined ? { url, detail: p.detail } : { url } };
  });
}

function assistant(m: Extract<Message, { role: "assistant" }>): CohereMessage {
  const text = textOf(m.content);
  const calls = m.toolCalls ?? [];
  if (calls.length === 0) return { role: "assistant", content: text };
  return {
    role: "assistant",
    ...(text !== "" ? { tool_plan: text } : {}),
    tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
  };
}
