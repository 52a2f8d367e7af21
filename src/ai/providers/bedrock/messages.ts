/**
 * Unified conversation → Converse `system` blocks + `messages`. Like
 * Anthropic, Converse wants alternating user/assistant turns and carries
 * tool results as toolResult blocks in a user turn, so tool messages become
 * user content and consecutive same-role turns merge.
 *
 * Images: Converse accepts only inline bytes (or S3 locations), never an
 * HTTP URL, so a URL image is refused with a bad_request error naming the
 * message — the client (or a route to another provider) must send base64.
 */
import { WaygateError } from "../../../core/errors.ts";
import { obj, parseJson } from "../shared/json.ts";
import type { ContentPart, ImageSource, Message, ToolCall } from "../../types.ts";
import type {
  BedrockContentBlock,
  BedrockImageBlock,
  BedrockImageFormat,
  BedrockMessage,
  BedrockTextBlock,
  BedrockToolResultBlock,
} from "./wire.ts";

export interface BedrockConversation {
  system: BedrockTextBlock[];
  messages: BedrockMessage[];
}

export function toBedrockConversation(messages: Message[]): BedrockConversation {
  const system: BedrockTextBlock[] = [];
  const turns: BedrockMessage[] = [];
  messages.forEach((m, i) => {
    if (m.role === "system") {
      for (const p of m.content) if (p.type === "text" && p.text !== "") system.push({ text: p.text });
      return;
    }
    const role = m.role === "assistant" ? "assistant" : "user";
    const blocks =
      m.role === "assistant" ? assistantBlocks(m.content, m.toolCalls, i) : m.role === "tool" ? [toolResult(m, i)] : contentBlocks(m.content, i);
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  });
  return { system, messages: turns };
}

/** Converse rejects blank text blocks, so empty texts are dropped. */
function contentBlocks(parts: ContentPart[], index: number): Array<BedrockTextBlock | BedrockImageBlock> {
  const out: Array<BedrockTextBlock | BedrockImageBlock> = [];
  for (const p of parts) {
    if (p.type === "text") {
      if (p.text !== "") out.push({ text: p.text });
    } else out.push(imageBlock(p.source, index));
  }
  return out;
}

const FORMATS: Record<string, BedrockImageFormat> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

function imageBlock(src: ImageSource, index: number): BedrockImageBlock {
  const inline = src.kind === "base64" ? { mediaType: src.mediaType, data: src.data } : dataUrl(src.url);
  if (!inline) {
    throw new WaygateError(
      "bad_request",
      `messages.${index}: Bedrock accepts images only as inline base64 data, not URLs; send the image as a data: URL or base64`,
    );
  }
  const format = FORMATS[inline.mediaType.toLowerCase()];
  if (!format) throw new WaygateError("bad_request", `messages.${index}: Bedrock does not accept images of type ${inline.mediaType}`);
  return { image: { format, source: { bytes: inline.data } } };
}

function dataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1] ?? "", data: m[2] ?? "" } : undefined;
}

function assistantBlocks(parts: ContentPart[], calls: ToolCall[] | undefined, index: number): BedrockContentBlock[] {
  const out: BedrockContentBlock[] = contentBlocks(parts, index);
  for (const c of calls ?? []) out.push({ toolUse: { toolUseId: c.id, name: c.name, input: toolInput(c.arguments) } });
  return out;
}

/** Converse wants an object; arguments that are not one (malformed model output carried over) become `{}`. */
function toolInput(args: string): Record<string, unknown> {
  return obj(parseJson(args)) ?? {};
}

function toolResult(m: Extract<Message, { role: "tool" }>, index: number): BedrockToolResultBlock {
  const content = contentBlocks(m.content, index);
  // Converse needs at least one non-blank content block, even for a call that returned nothing.
  if (content.length === 0) content.push({ text: "(no output)" });
  const block: BedrockToolResultBlock = { toolResult: { toolUseId: m.toolCallId, content } };
  if (m.isError) block.toolResult.status = "error";
  return block;
}
