/**
 * Unified messages → Mistral messages. Like OpenAI's, except: images are
 * `image_url` chunks whose value is the URL string, tool call ids are
 * rewritten to Mistral's format, and tool results carry the function name.
 */
import type { ContentPart, Message } from "../../types.ts";
import { imageUrl, textContent } from "../openai/content.ts";
import { mistralToolCallId } from "./tool-ids.ts";

type MistralChunk = { type: "text"; text: string } | { type: "image_url"; image_url: string };

export type MistralMessage =
  | { role: "system"; content: string | MistralChunk[] }
  | { role: "user"; content: string | MistralChunk[] }
  | { role: "assistant"; content: string | MistralChunk[] | null; tool_calls?: MistralToolCall[] }
  | { role: "tool"; content: string | MistralChunk[]; tool_call_id: string; name?: string };

interface MistralToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export function toMistralMessages(messages: Message[]): MistralMessage[] {
  const toolNames = new Map<string, string>();
  for (const m of messages) {
    if (m.role === "assistant") for (const c of m.toolCalls ?? []) toolNames.set(c.id, c.name);
  }
  return messages.map((m): MistralMessage => {
    switch (m.role) {
      case "system":
        return { role: "system", content: textContent(m.content) };
      case "user":
        return { role: "user", content: userContent(m.content) };
      case "assistant": {
        const text = textContent(m.content);
        const calls = m.toolCalls ?? [];
        const out: MistralMessage = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
        if (calls.length > 0) {
          out.tool_calls = calls.map((c) => ({ id: mistralToolCallId(c.id), type: "function", function: { name: c.name, arguments: c.arguments } }));
        }
        return out;
      }
      case "tool": {
        const out: MistralMessage = { role: "tool", content: textContent(m.content), tool_call_id: mistralToolCallId(m.toolCallId) };
        const name = toolNames.get(m.toolCallId);
        if (name !== undefined) out.name = name;
        return out;
      }
    }
  });
}

function userContent(parts: ContentPart[]): string | MistralChunk[] {
  const only = parts[0];
  if (parts.length === 1 && only?.type === "text") return only.text;
  return parts.map((p): MistralChunk => (p.type === "text" ? { type: "text", text: p.text } : { type: "image_url", image_url: imageUrl(p.source) }));
}
