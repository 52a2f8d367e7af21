/**
 * Masking a whole HTTP body by its content type. JSON is masked string by
 * string (and number by number), leaving every other byte as it was, so the
 * document stays valid and keeps its formatting and number precision; a
 * value under a secret-looking property name is masked whole. Form bodies
 * are masked field by field. Other textual types are masked as plain text.
 * Binary types, compressed bodies, charsets other than UTF-8 and bytes that
 * are not valid UTF-8 are not touched.
 */
import { textualMediaType } from "../../gateway/response-rewrite.ts";
import type { Masker } from "./masker.ts";

export interface MaskedBody {
  body: Uint8Array;
  /** Hits per type; empty when nothing matched (and `body` is then the input). */
  hits: Record<string, number>;
}

type Syntax = "json" | "form" | "text";

/** How a content type is masked, or undefined for types that are not UTF-8 text. */
export function textSyntax(contentType: string | null): Syntax | undefined {
  const type = textualMediaType(contentType);
  if (type === undefined) return undefined;
  if (type === "application/json" || type.endsWith("+json") || type === "application/x-ndjson") return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  return "text";
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** The masked body, or undefined when the content type is not masked or the bytes are not UTF-8. */
export function maskBody(masker: Masker, body: Uint8Array, contentType: string | null): MaskedBody | undefined {
  const syntax = textSyntax(contentType);
  if (!syntax) return undefined;
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    return undefined;
  }
  const hits: Record<string, number> = {};
  const count = (types: readonly { type: string }[]) => {
    for (const h of types) hits[h.type] = (hits[h.type] ?? 0) + 1;
  };
  const masked = syntax === "json" ? maskJsonText(masker, text, count) : syntax === "form" ? maskForm(masker, text, count) : maskText(masker, text, count);
  return masked === text ? { body, hits } : { body: encoder.encode(masked), hits };
}

type Count = (hits: readonly { type: string }[]) => void;

function maskText(masker: Masker, text: string, count: Count): string {
  const r = masker.mask(text);
  count(r.hits);
  return r.text;
}

/**
 * Walks the JSON text token by token: string tokens are decoded, masked
 * (as a field when they are a property's value) and re-encoded; number
 * tokens that mask (a card number sent as a number) become strings. Text
 * that is not well-formed JSON is masked as plain text instead.
 */
export function maskJsonText(masker: Masker, text: string, count: Count): string {
  let out = "";
  let at = 0;
  let i = 0;
  // The property name whose value comes next (set between `"name"` and its value).
  let field: string | undefined;
  let lastKey: string | undefined;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      if (end < 0) return maskText(masker, text, count);
      const token = text.slice(i, end);
      let value: string;
      try {
        value = JSON.parse(token) as string;
      } catch {
        return maskText(masker, text, count);
      }
      let j = end;
      while (j < text.length && isSpace(text.charCodeAt(j))) j++;
      if (text[j] === ":") {
        lastKey = value;
        i = end;
        continue;
      }
      const r = field !== undefined ? masker.maskField(field, value) : masker.mask(value);
      field = undefined;
      if (r.hits.length > 0) {
        count(r.hits);
        out += text.slice(at, i) + JSON.stringify(r.text);
        at = end;
      }
      i = end;
      continue;
    }
    if (c === 0x3a /* : */) {
      field = lastKey;
      i++;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && /[0-9.eE+-]/.test(text[end]!)) end++;
      const r = masker.mask(text.slice(i, end));
      if (r.hits.length > 0) {
        count(r.hits);
        out += text.slice(at, i) + JSON.stringify(r.text);
        at = end;
      }
      field = undefined;
      i = end;
      continue;
    }
    if (!isSpace(c)) field = undefined;
    i++;
  }
  return at === 0 ? text : out + text.slice(at);
}

/** Index just past the closing quote of the string token starting at `start`, or -1 when it is not closed. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function maskForm(masker: Masker, text: string, count: Count): string {
  let changed = false;
  const pairs = text.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq < 0) return pair;
    const name = decodeForm(pair.slice(0, eq));
    const value = decodeForm(pair.slice(eq + 1));
    if (name === undefined || value === undefined) return pair;
    const r = masker.maskField(name, value);
    if (r.hits.length === 0) return pair;
    count(r.hits);
    changed = true;
    return `${pair.slice(0, eq)}=${encodeURIComponent(r.text)}`;
  });
  return changed ? pairs.join("&") : text;
}

function decodeForm(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}
