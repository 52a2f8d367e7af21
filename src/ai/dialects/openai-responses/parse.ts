/**
 * `POST /v1/responses` body → unified ChatRequest.
 *
 * Waygate is stateless, so everything that needs a stored response or
 * conversation (`previous_response_id`, `conversation`, `item_reference`
 * items, `background`) is refused with a 400; clients send the whole
 * conversation in `input` instead. Reasoning items a client echoes back
 * from an earlier output are dropped: their encrypted content is only
 * meaningful to the model that produced it. Only function tools are
 * accepted; built-in tools (web search, file search, …) run inside
 * OpenAI and cannot be carried to another provider.
 */
import type { z } from "zod";
import type { ParsedChat } from "../../dialect.ts";
import type { ChatRequest, ContentPart, Message, ResponseFormat, ToolDefinition } from "../../types.ts";
import { imageSourceFromUrl } from "../shared/data-url.ts";
import { issueToParseError, MappingError, parseBody } from "../shared/zod-issues.ts";
import {
  functionCallItemSchema,
  functionCallOutputItemSchema,
  functionToolSchema,
  type MessagePart,
  messageItemSchema,
  type ResponsesBody,
  responsesBodySchema,
} from "./schema.ts";

function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const e = issueToParseError(r.error.issues.map((i) => ({ ...i, path: [...prefix.split("."), ...i.path] })));
  throw new MappingError(e.param, e.message);
}

function mapPart(p: MessagePart, param: string): ContentPart | { refusal: string } {
  switch (p.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: p.text };
    case "refusal":
      return { refusal: p.refusal };
    case "input_image": {
      if (!p.image_url) {
        throw new MappingError(`${param}.image_url`, `Invalid value for '${param}.image_url': images must be given by URL or data URL; file ids are not supported`);
      }
      const part: ContentPart = { type: "image", source: imageSourceFromUrl(p.image_url, `${param}.image_url`) };
      if (p.detail && p.detail !== "original") part.detail = p.detail;
      return part;
    }
    case "input_file":
      throw new MappingError(`${param}.type`, `Invalid value for '${param}.type': 'input_file' parts are not supported by this gateway`);
  }
}

function mapParts(content: string | MessagePart[], param: string): { parts: ContentPart[]; refusal: string } {
  if (typeof content === "string") return { parts: content.length > 0 ? [{ type: "text", text: content }] : [], refusal: "" };
  const parts: ContentPart[] = [];
  let refusal = "";
  content.forEach((p, i) => {
    const m = mapPart(p, `${param}.${i}`);
    if ("refusal" in m) refusal += m.refusal;
    else parts.push(m);
  });
  return { parts, refusal };
}

function mapInput(items: Array<Record<string, unknown>>, messages: Message[]): void {
  items.forEach((raw, i) => {
    const at = `input.${i}`;
    const type = raw.type ?? (raw.role !== undefined ? "message" : undefined);
    switch (type) {
      case "message": {
        const item = check(messageItemSchema, raw, at);
        const { parts, refusal } = mapParts(item.content, `${at}.content`);
        if (item.role === "assistant") {
          const msg: Message = { role: "assistant", content: parts };
          if (refusal) msg.refusal = refusal;
          messages.push(msg);
        } else if (item.role === "user") messages.push({ role: "user", content: parts });
        else messages.push({ role: "system", content: parts });
        return;
      }
      case "function_call": {
        const item = check(functionCallItemSchema, raw, at);
        const call = { id: item.call_id, name: item.name, arguments: item.arguments };
        // Responses lists a turn's text and each tool call as sibling items; the unified shape keeps them on one assistant message.
        const last = messages[messages.length - 1];
        if (last?.role === "assistant") last.toolCalls = [...(last.toolCalls ?? []), call];
        else messages.push({ role: "assistant", content: [], toolCalls: [call] });
        return;
      }
      case "function_call_output": {
        const item = check(functionCallOutputItemSchema, raw, at);
        const content: ContentPart[] =
          typeof item.output === "string"
            ? [{ type: "text", text: item.output }]
            : item.output.map((p, j) => {
                const m = mapPart(p, `${at}.output.${j}`);
                if ("refusal" in m) throw new MappingError(`${at}.output.${j}`, "unreachable");
                return m;
              });
        messages.push({ role: "tool", toolCallId: item.call_id, content });
        return;
      }
      case "reasoning":
        return;
      case "item_reference":
        throw new MappingError(`${at}.type`, `Invalid value for '${at}.type': 'item_reference' needs stored responses, which this gateway does not keep; send the referenced item itself`);
      default:
        throw new MappingError(`${at}.type`, `Invalid value for '${at}.type': ${type === undefined ? "is required" : `'${String(type)}' items are not supported; use message, function_call and function_call_output items`}`);
    }
  });
}

function mapTools(tools: Array<Record<string, unknown>>): ToolDefinition[] {
  return tools.map((raw, i) => {
    if (raw.type !== "function") {
      throw new MappingError(`tools.${i}.type`, `Invalid value for 'tools.${i}.type': only 'function' tools are supported by this gateway, got '${String(raw.type)}'`);
    }
    const t = check(functionToolSchema, raw, `tools.${i}`);
    const def: ToolDefinition = { name: t.name, parameters: t.parameters ?? { type: "object", properties: {} } };
    if (t.description != null) def.description = t.description;
    if (t.strict != null) def.strict = t.strict;
    return def;
  });
}

function mapFormat(f: NonNullable<NonNullable<ResponsesBody["text"]>["format"]>): ResponseFormat {
  if (f.type !== "json_schema") return { type: f.type };
  const out: ResponseFormat = { type: "json_schema", name: f.name, schema: f.schema };
  if (f.strict != null) out.strict = f.strict;
  if (f.description != null) out.description = f.description;
  return out;
}

function toRequest(b: ResponsesBody): ChatRequest {
  if (b.previous_response_id != null) {
    throw new MappingError("previous_response_id", "'previous_response_id' is not supported: this gateway stores no responses; send the full conversation in 'input'");
  }
  if (b.conversation != null) {
    throw new MappingError("conversation", "'conversation' is not supported: this gateway stores no conversations; send the full conversation in 'input'");
  }
  if (b.background === true) throw new MappingError("background", "'background' responses are not supported by this gateway");
  const messages: Message[] = [];
  if (b.instructions) messages.push({ role: "system", content: [{ type: "text", text: b.instructions }] });
  if (typeof b.input === "string") messages.push({ role: "user", content: [{ type: "text", text: b.input }] });
  else mapInput(b.input, messages);
  if (!messages.some((m) => m.role !== "system")) throw new MappingError("input", "Invalid value for 'input': at least one input item is required");

  const stream = b.stream === true;
  const req: ChatRequest = { model: b.model, messages, stream };
  // Responses always reports usage (in response.completed), so providers are always asked for it.
  if (stream) req.includeUsage = true;
  if (b.tools && b.tools.length > 0) req.tools = mapTools(b.tools);
  if (b.tool_choice != null) {
    const c = b.tool_choice;
    if (typeof c === "string") req.toolChoice = c;
    else {
      if (!req.tools?.some((t) => t.name === c.name)) {
        throw new MappingError("tool_choice.name", `Invalid value for 'tool_choice.name': no tool named '${c.name}' is defined in 'tools'`);
      }
      req.toolChoice = { name: c.name };
    }
  }
  if (b.parallel_tool_calls != null) req.parallelToolCalls = b.parallel_tool_calls;
  if (b.text?.format != null) req.responseFormat = mapFormat(b.text.format);
  if (b.max_output_tokens != null) req.maxTokens = b.max_output_tokens;
  if (b.temperature != null) req.temperature = b.temperature;
  if (b.top_p != null) req.topP = b.top_p;
  if (b.top_logprobs != null) {
    req.logprobs = true;
    req.topLogprobs = b.top_logprobs;
  }
  if (b.reasoning?.effort != null) req.reasoningEffort = b.reasoning.effort;
  if (b.user != null) req.user = b.user;
  return req;
}

export function parseResponsesRequest(body: unknown): ParsedChat {
  return parseBody(responsesBodySchema, toRequest, body);
}
