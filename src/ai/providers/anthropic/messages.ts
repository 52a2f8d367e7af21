/**
 * Unified conversation → Anthropic `system` + `messages`. Anthropic takes the
 * system prompt at the top level, wants strictly alternating user/assistant
 * turns, and carries tool results as `tool_result` blocks inside a user turn —
 * so tool messages become user content and consecutive same-role turns merge.
 */
import type { ContentPart, ImageSource, Message, ToolCall } from "../../types.ts";
import { obj, parseJson } from "../shared/json.ts";
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from "./wire.ts";

export interface AnthropicConversation {
  system: string | AnthropicTextBlock[] | undefined;
  messages: AnthropicMessage[];
}

export function toAnthropicConversation(messages: Message[]): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  for (const m of messages) {
    if (m.role === "system") {
      system.push(...textBlocks(m.content));
      continue;
    }
    const role = m.role === "assistant" ? "assistant" : "user";
    const blocks = m.role === "assistant" ? assistantBlocks(m.content, m.toolCalls) : m.role === "tool" ? [toolResult(m)] : contentBlocks(m.content);
    if (blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return { system: systemValue(system), messages: turns };
}

/** One system text is sent as a plain string, as in Anthropic's examples; several stay separate blocks. */
function systemValue(blocks: AnthropicTextBlock[]): string | AnthropicTextBlock[] | undefined {
  if (blocks.length === 0) return undefined;
  if (blocks.length === 1) return blocks[0]?.text;
  return blocks;
}

function textBlocks(parts: ContentPart[]): AnthropicTextBlock[] {
  const out: AnthropicTextBlock[] = [];
  for (const p of parts) if (p.type === "text" && p.text !== "") out.push({ type: "text", text: p.text });
  return out;
}

/** Anthropic rejects empty text blocks, so they are dropped. */
function contentBlocks(parts: ContentPart[]): Array<AnthropicTextBlock | AnthropicImageBlock> {
  const out: Array<AnthropicTextBlock | AnthropicImageBlock> = [];
  for (const p of parts) {
    if (p.type === "text") {
      if (p.text !== "") out.push({ type: "text", text: p.text });
    } else out.push({ type: "image", source: imageSource(p.source) });
  }
  return out;
}

function imageSource(src: ImageSource): AnthropicImageBlock["source"] {
  if (src.kind === "base64") return { type: "base64", media_type: src.mediaType, data: src.data };
  const inline = /^data:([^;,]+);base64,(.*)$/s.exec(src.url);
  if (inline) return { type: "base64", media_type: inline[1] ?? "", data: inline[2] ?? "" };
  return { type: "url", url: src.url };
}

function assistantBlocks(parts: ContentPart[], calls: ToolCall[] | undefined): AnthropicContentBlock[] {
  const out: AnthropicContentBlock[] = contentBlocks(parts);
  for (const c of calls ?? []) out.push({ type: "tool_use", id: c.id, name: c.name, input: toolInput(c.arguments) });
  return out;
}

/**
 * Anthropic wants the arguments as an object. Arguments that are not a JSON
 * object (a model's malformed output carried over from another provider)
 * cannot be represented, so they become an empty object.
 */
export function toolInput(args: string): Record<string, unknown> {
  return obj(parseJson(args)) ?? {};
}

function toolResult(m: Extract<Message, { role: "tool" }>): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = { type: "tool_result", tool_use_id: m.toolCallId, content: contentBlocks(m.content) };
  if (m.isError) block.is_error = true;
  return block;
}
