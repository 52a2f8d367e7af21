/**
 * Reads an Anthropic Messages request into the neutral summary, rejecting
 * what the real API rejects with its own `invalid_request_error` messages.
 * The checks focus on what a translating gateway gets wrong: missing
 * max_tokens, tool_use/tool_result pairing across turns, tool inputs that
 * are not objects, unsupported image media types, tools without schemas.
 */
import type { JsonSchema } from "../../../ai/types.ts";
import type { ConversationSummary, MockToolChoice, MockToolSpec } from "../../common/conversation.ts";
import { asArray, asString, isObject, type JsonObject } from "../../common/http.ts";

export interface AnthropicRequest {
  summary: ConversationSummary;
  maxTokens: number;
  stopSequences: string[];
  stream: boolean;
}

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

export class AnthropicInvalid extends Error {}

function invalid(message: string): never {
  throw new AnthropicInvalid(message);
}

/** Content as blocks: a string is one text block. */
function blocksOf(content: unknown, where: string): JsonObject[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) invalid(`${where}: Input should be a valid list`);
  return content.map((b, i) => (isObject(b) ? b : invalid(`${where}.${i}: Input should be a valid dictionary`)));
}

function checkImage(block: JsonObject, where: string): void {
  const source = isObject(block.source) ? block.source : invalid(`${where}.image.source: Field required`);
  if (source.type === "base64") {
    if (!IMAGE_TYPES.has(asString(source.media_type) ?? "")) {
      invalid(`${where}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
    }
    if (typeof source.data !== "string") invalid(`${where}.image.source.base64.data: Field required`);
  } else if (source.type === "url") {
    if (typeof source.url !== "string") invalid(`${where}.image.source.url.url: Field required`);
  } else if (source.type !== "file") {
    invalid(`${where}.image.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'`);
  }
}

function textOf(blocks: JsonObject[]): string {
  return blocks
    .filter((b) => b.type === "text")
    .map((b) => asString(b.text) ?? "")
    .join(" ");
}

function parseTools(body: JsonObject): MockToolSpec[] {
  return asArray(body.tools).map((t, i) => {
    if (!isObject(t) || typeof t.name !== "string") invalid(`tools.${i}.name: Field required`);
    const custom = t.type === undefined || t.type === "custom";
    if (custom && !isObject(t.input_schema)) invalid(`tools.${i}.custom.input_schema: Field required`);
    return { name: t.name, parameters: (isObject(t.input_schema) ? t.input_schema : {}) as JsonSchema };
  });
}

function parseToolChoice(body: JsonObject, tools: MockToolSpec[]): { choice: MockToolChoice; parallel: boolean } {
  const tc = body.tool_choice;
  if (tc === undefined) return { choice: "auto", parallel: true };
  if (!isObject(tc)) invalid("tool_choice: Input should be a valid dictionary");
  const parallel = tc.disable_parallel_tool_use !== true;
  switch (tc.type) {
    case "auto":
      return { choice: "auto", parallel };
    case "any":
      return { choice: "required", parallel };
    case "none":
      return { choice: "none", parallel };
    case "tool": {
      const name = asString(tc.name) ?? invalid("tool_choice.tool.name: Field required");
      if (!tools.some((t) => t.name === name)) invalid(`Tool '${name}' not found in provided tools`);
      return { choice: { name }, parallel };
    }
    default:
      return invalid(`tool_choice: Input tag '${String(tc.type)}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`);
  }
}

function parseOutput(body: JsonObject): ConversationSummary["output"] {
  const config = isObject(body.output_config) ? body.output_config : undefined;
  // `output_format` is the beta spelling of the same option.
  const format = isObject(config?.format) ? config.format : isObject(body.output_format) ? body.output_format : undefined;
  if (!format) return undefined;
  if (format.type !== "json_schema" || !isObject(format.schema)) invalid("output_config.format.json_schema.schema: Field required");
  return { kind: "json_schema", schema: format.schema as JsonSchema };
}

export function parseAnthropicRequest(body: JsonObject, provider: string): AnthropicRequest {
  const model = asString(body.model) ?? invalid("model: Field required");
  if (body.max_tokens === undefined) invalid("max_tokens: Field required");
  const maxTokens = typeof body.max_tokens === "number" && Number.isInteger(body.max_tokens) ? body.max_tokens : invalid("max_tokens: Input should be a valid integer");
  if (maxTokens < 1) invalid("max_tokens: Input should be greater than or equal to 1");
  if (body.messages === undefined) invalid("messages: Field required");
  if (!Array.isArray(body.messages)) invalid("messages: Input should be a valid list");
  if (body.messages.length === 0) invalid("messages: at least one message is required");

  const texts: string[] = [];
  let system = false;
  if (typeof body.system === "string") {
    system = body.system.length > 0;
    texts.push(body.system);
  } else if (body.system !== undefined) {
    const blocks = blocksOf(body.system, "system");
    system = blocks.length > 0;
    texts.push(textOf(blocks));
  }

  let images = 0;
  let toolResults = 0;
  const turns = body.messages.map((m, i) => {
    if (!isObject(m)) invalid(`messages.${i}: Input should be a valid dictionary`);
    if (m.role !== "user" && m.role !== "assistant") invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    const blocks = blocksOf(m.content, `messages.${i}.content`);
    const toolUseIds: string[] = [];
    const toolResultIds: string[] = [];
    blocks.forEach((b, j) => {
      const where = `messages.${i}.content.${j}`;
      switch (b.type) {
        case "text":
          if (typeof b.text !== "string") invalid(`${where}.text.text: Field required`);
          texts.push(b.text);
          break;
        case "image":
          checkImage(b, where);
          images++;
          break;
        case "tool_use":
          if (m.role !== "assistant") invalid(`${where}: tool_use blocks can only be in assistant messages`);
          if (!isObject(b.input)) invalid(`${where}.tool_use.input: Input should be a valid dictionary`);
          toolUseIds.push(asString(b.id) ?? invalid(`${where}.tool_use.id: Field required`));
          break;
        case "tool_result": {
          if (m.role !== "user") invalid(`${where}: tool_result blocks can only be in user messages`);
          toolResultIds.push(asString(b.tool_use_id) ?? invalid(`${where}.tool_result.tool_use_id: Field required`));
          toolResults++;
          if (b.content !== undefined) {
            const inner = blocksOf(b.content, `${where}.tool_result.content`);
            inner.forEach((ib, k) => {
              if (ib.type === "image") {
                checkImage(ib, `${where}.tool_result.content.${k}`);
                images++;
              }
            });
            texts.push(textOf(inner));
          }
          break;
        }
        default:
          // thinking, document, search_result, ...: accepted and not counted.
          break;
      }
    });
    return { role: m.role, blocks, toolUseIds, toolResultIds };
  });

  turns.forEach((t, i) => {
    const next = turns[i + 1];
    if (t.toolUseIds.length > 0 && next) {
      const missing = t.toolUseIds.filter((id) => !next.toolResultIds.includes(id));
      if (missing.length > 0) {
        invalid(`messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
      }
    }
    if (t.toolResultIds.length > 0) {
      const prevIds = turns[i - 1]?.toolUseIds ?? [];
      const unexpected = t.toolResultIds.filter((id) => !prevIds.includes(id));
      if (unexpected.length > 0) {
        invalid(`messages.${i}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(", ")}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
    }
  });

  const tools = parseTools(body);
  const { choice, parallel } = parseToolChoice(body, tools);
  const last = turns[turns.length - 1];
  // Tool results followed by new user text in the same message still make a user turn.
  const lastIsUser = last?.role === "user" && (last.toolResultIds.length === 0 || last.blocks.some((b) => b.type === "text"));
  const stopSequences = asArray(body.stop_sequences).filter((s): s is string => typeof s === "string");
  const output = parseOutput(body);

  return {
    summary: {
      provider,
      model,
      system,
      messages: turns.length,
      tools,
      toolChoice: choice,
      parallelToolCalls: parallel,
      images,
      toolResults,
      messageTexts: texts,
      lastUserText: last?.role === "user" ? textOf(last.blocks) : "",
      lastIsUser,
      ...(output ? { output } : {}),
    },
    maxTokens,
    stopSequences,
    stream: body.stream === true,
  };
}
