/**
 * Token estimates for when a provider reports no usage, counted with the
 * o200k_base encoding (GPT-4o and later) and OpenAI's chat framing: a few
 * tokens per message, the role, an optional name, the reply primer, tool
 * definitions rendered roughly the way OpenAI injects them. Other vendors'
 * tokenizers differ by some percent, which is fine for an estimate that is
 * marked as one. Every part is counted once, so the cost is linear in the
 * size of the request.
 */
import { createRequire } from "node:module";
import type { ChatRequest, ContentPart, Message, ToolDefinition } from "./types.ts";

type Encoding = typeof import("gpt-tokenizer/encoding/o200k_base");

// The encoding's rank table takes a few hundred milliseconds to load, and most
// providers report usage, so it is loaded on the first estimate, not at start.
const load = createRequire(import.meta.url);
let encoding: Encoding | undefined;

function tokenizer(): Encoding {
  encoding ??= load("gpt-tokenizer/encoding/o200k_base") as Encoding;
  return encoding;
}

/** Loads the tokenizer now, off the request path (e.g. once the gateway is serving). */
export function preloadTokenizer(): void {
  tokenizer();
}

/** User text may contain `<|endoftext|>` and the like; it is text, not a control token. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

const PER_MESSAGE = 3;
const PER_NAME = 1;
const REPLY_PRIMER = 3;
const PER_TOOL_CALL = 3;
const PER_TOOL = 8;
const TOOLS_PREAMBLE = 12;
/** OpenAI's charge for an image of unknown size: low detail is 85; high detail of a 1024×1024 image is 765. */
const IMAGE_LOW = 85;
const IMAGE_DEFAULT = 765;

/**
 * BPE merging is quadratic in the length of one pre-token, and text without
 * spaces (base64, minified JSON) is one huge pre-token. Counting runs in
 * slices keeps the cost linear; a slice boundary inside a word changes the
 * count by at most a token per slice, well within an estimate's tolerance.
 */
const SLICE = 256;
const LONG_RUN = /\S{257,}/;

export function estimateTextTokens(text: string): number {
  if (text.length === 0) return 0;
  if (!LONG_RUN.test(text)) return tokenizer().countTokens(text, AS_TEXT);
  let total = 0;
  for (let i = 0; i < text.length; i += SLICE) total += tokenizer().countTokens(text.slice(i, i + SLICE), AS_TEXT);
  return total;
}

function partTokens(part: ContentPart): number {
  if (part.type === "text") return estimateTextTokens(part.text);
  return part.detail === "low" ? IMAGE_LOW : IMAGE_DEFAULT;
}

function contentTokens(content: readonly ContentPart[]): number {
  let n = 0;
  for (const part of content) n += partTokens(part);
  return n;
}

function messageTokens(m: Message): number {
  let n = PER_MESSAGE + estimateTextTokens(m.role) + contentTokens(m.content);
  if (m.role === "user" && m.name !== undefined) n += PER_NAME + estimateTextTokens(m.name);
  if (m.role === "assistant") {
    if (m.refusal !== undefined) n += estimateTextTokens(m.refusal);
    for (const call of m.toolCalls ?? []) n += PER_TOOL_CALL + estimateTextTokens(call.name) + estimateTextTokens(call.arguments);
  }
  return n;
}

function toolTokens(tool: ToolDefinition): number {
  let n = PER_TOOL + estimateTextTokens(tool.name) + estimateTextTokens(JSON.stringify(tool.parameters));
  if (tool.description !== undefined) n += estimateTextTokens(tool.description);
  return n;
}

export function estimateChatTokens(req: ChatRequest): number {
  let n = REPLY_PRIMER;
  for (const m of req.messages) n += messageTokens(m);
  if (req.tools && req.tools.length > 0) {
    n += TOOLS_PREAMBLE;
    for (const tool of req.tools) n += toolTokens(tool);
  }
  if (req.responseFormat?.type === "json_schema") n += estimateTextTokens(JSON.stringify(req.responseFormat.schema));
  return n;
}
