/** Unified content parts ↔ OpenAI message content. */
import type { ContentPart, ImageSource } from "../../types.ts";
import { arr, obj, str } from "../shared/json.ts";
import type { OaImagePart, OaTextPart } from "./wire.ts";

export function imageUrl(source: ImageSource): string {
  return source.kind === "url" ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

/** Text-only content: a plain string for one part, text parts for several; images are left out. */
export function textContent(parts: ContentPart[]): string | OaTextPart[] {
  const texts = parts.flatMap((p) => (p.type === "text" ? [p.text] : []));
  if (texts.length <= 1) return texts[0] ?? "";
  return texts.map((text) => ({ type: "text", text }));
}

/** User content: a plain string when it is one text part, otherwise parts with images as image_url. */
export function userContent(parts: ContentPart[]): string | Array<OaTextPart | OaImagePart> {
  const only = parts[0];
  if (parts.length === 1 && only?.type === "text") return only.text;
  return parts.map((p): OaTextPart | OaImagePart => {
    if (p.type === "text") return { type: "text", text: p.text };
    const image: OaImagePart["image_url"] = { url: imageUrl(p.source) };
    if (p.detail !== undefined) image.detail = p.detail;
    return { type: "image_url", image_url: image };
  });
}

/**
 * The text of a response or delta `content`: a string, or (Mistral, some
 * OpenAI-compatible servers) an array of chunks of which the text ones count.
 */
export function contentText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts = arr(content).flatMap((c) => {
    const chunk = obj(c);
    const text = chunk && (chunk.type === undefined || chunk.type === "text") ? str(chunk.text) : undefined;
    return text === undefined ? [] : [text];
  });
  return texts.join("");
}
