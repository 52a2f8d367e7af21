/**
 * Unified conversation → Gemini `systemInstruction` + `contents`.
 *
 * - System messages go to systemInstruction wherever they appear.
 * - Assistant turns are role "model"; their tool calls become functionCall
 *   parts. Gemini 3 wants each model turn's first functionCall to carry the
 *   thought signature it produced; a conversation carried over from another
 *   provider (or relayed through an OpenAI-shaped client) has none, so the
 *   documented placeholder `skip_thought_signature_validator` is sent.
 * - Tool results become functionResponse parts in a user turn. Gemini pairs
 *   them with calls by function NAME, so the name is looked up from the
 *   earlier call with the same id. The response object is the result's JSON
 *   object when it is one, else `{output: text}` (`{error: text}` for
 *   failed calls), the keys Gemini's FunctionResponse documents.
 * - Consecutive turns of the same role merge, so parallel calls' results
 *   arrive together in the turn after the calls.
 * - Images: base64 (and data: URLs) → inlineData; other URLs → fileData.
 */
import type { ContentPart, ImageSource, Message } from "../../types.ts";
import { parseObject, toolArgs } from "./args.ts";
import type { GeminiContent, GeminiPart } from "./wire.ts";

export const PLACEHOLDER_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

export interface GeminiConversation {
  systemInstruction?: { parts: Array<{ text: string }> };
  contents: GeminiContent[];
}

export function toGeminiConversation(messages: Message[]): GeminiConversation {
  const names = callNames(messages);
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  for (const m of messages) {
    if (m.role === "system") {
      for (const p of m.content) if (p.type === "text" && p.text !== "") system.push({ text: p.text });
      continue;
    }
    const role = m.role === "assistant" ? "model" : "user";
    const parts = m.role === "assistant" ? modelParts(m) : m.role === "tool" ? [functionResponse(m, names)] : contentParts(m.content);
    if (parts.length === 0) continue;
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}

function callNames(messages: Message[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) if (m.role === "assistant") for (const c of m.toolCalls ?? []) names.set(c.id, c.name);
  return names;
}

function contentParts(parts: ContentPart[]): GeminiPart[] {
  const out: GeminiPart[] = [];
  for (const p of parts) {
    if (p.type === "text") {
      if (p.text !== "") out.push({ text: p.text });
    } else out.push(imagePart(p.source));
  }
  return out;
}

function imagePart(src: ImageSource): GeminiPart {
  if (src.kind === "base64") return { inlineData: { mimeType: src.mediaType, data: src.data } };
  const inline = /^data:([^;,]+);base64,(.*)$/s.exec(src.url);
  if (inline) return { inlineData: { mimeType: inline[1] ?? "", data: inline[2] ?? "" } };
  const mimeType = mimeFromUrl(src.url);
  return { fileData: mimeType ? { fileUri: src.url, mimeType } : { fileUri: src.url } };
}

const IMAGE_EXT: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
};

function mimeFromUrl(url: string): string | undefined {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return ext ? IMAGE_EXT[ext] : undefined;
}

function modelParts(m: Extract<Message, { role: "assistant" }>): GeminiPart[] {
  const out = contentParts(m.content);
  (m.toolCalls ?? []).forEach((c, i) => {
    const call = { name: c.name, args: toolArgs(c.arguments), id: c.id };
    out.push(i === 0 ? { functionCall: call, thoughtSignature: PLACEHOLDER_THOUGHT_SIGNATURE } : { functionCall: call });
  });
  return out;
}

function functionResponse(m: Extract<Message, { role: "tool" }>, names: Map<string, string>): GeminiPart {
  const text = m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
  const name = names.get(m.toolCallId) ?? m.toolCallId;
  return { functionResponse: { name, response: resultObject(text, m.isError === true), id: m.toolCallId } };
}

function resultObject(text: string, isError: boolean): Record<string, unknown> {
  if (isError) return { error: text };
  return parseObject(text) ?? { output: text };
}
