/**
 * Anthropic `/v1/messages` body → unified ChatRequest.
 *
 * Anthropic puts tool results inside the user turn; the unified shape (like
 * OpenAI) has one `tool` message per result, placed right after the
 * assistant turn that made the calls, so a user turn's tool_result blocks
 * become tool messages first and its remaining text and images a user
 * message after them. Thinking blocks echoed back in assistant turns are
 * dropped: their signatures only verify with the model that wrote them.
 * Server tools (web search, code execution, …) run inside Anthropic and are
 * refused; `document` blocks are refused.
 */
import type { ParsedChat } from "../../dialect.ts";
import type { ChatRequest, ContentPart, ImageSource, Message, ToolCall, ToolDefinition } from "../../types.ts";
import { imageSourceFromUrl } from "../shared/data-url.ts";
import { issueToParseError, MappingError, parseBody } from "../shared/zod-issues.ts";
import { type ContentBlock, customToolSchema, type MessagesBody, messagesBodySchema } from "./schema.ts";

type ImageBlock = Extract<ContentBlock, { type: "image" }>;

function imageSource(b: ImageBlock, param: string): ImageSource {
  if (b.source.type === "base64") return { kind: "base64", mediaType: b.source.media_type, data: b.source.data };
  return imageSourceFromUrl(b.source.url, `${param}.source.url`);
}

function refuse(param: string, what: string): never {
  throw new MappingError(`${param}.type`, `Invalid value for '${param}.type': ${what}`);
}

function mapUserTurn(blocks: ContentBlock[], at: string, out: Message[]): void {
  const parts: ContentPart[] = [];
  blocks.forEach((b, j) => {
    const param = `${at}.content.${j}`;
    switch (b.type) {
      case "text":
        parts.push({ type: "text", text: b.text });
        return;
      case "image":
        parts.push({ type: "image", source: imageSource(b, param) });
        return;
      case "tool_result": {
        let content: ContentPart[] = [];
        if (typeof b.content === "string") content = [{ type: "text", text: b.content }];
        else if (b.content) {
          content = b.content.map((c, k): ContentPart =>
            c.type === "text" ? { type: "text", text: c.text } : { type: "image", source: imageSource(c, `${param}.content.${k}`) },
          );
        }
        const msg: Message = { role: "tool", toolCallId: b.tool_use_id, content };
        if (b.is_error) msg.isError = true;
        out.push(msg);
        return;
      }
      case "thinking":
      case "redacted_thinking":
        return;
      case "tool_use":
        return refuse(param, "'tool_use' blocks belong in assistant turns");
      case "document":
        return refuse(param, "'document' blocks are not supported by this gateway");
    }
  });
  if (parts.length > 0) out.push({ role: "user", content: parts });
}

function mapAssistantTurn(blocks: ContentBlock[], at: string, out: Message[]): void {
  const content: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  blocks.forEach((b, j) => {
    const param = `${at}.content.${j}`;
    switch (b.type) {
      case "text":
        content.push({ type: "text", text: b.text });
        return;
      case "tool_use":
        toolCalls.push({ id: b.id, name: b.name, arguments: JSON.stringify(b.input) });
        return;
      case "thinking":
      case "redacted_thinking":
        return;
      case "image":
      case "tool_result":
      case "document":
        return refuse(param, `'${b.type}' blocks belong in user turns`);
    }
  });
  const msg: Message = { role: "assistant", content };
  if (toolCalls.length > 0) msg.toolCalls = toolCalls;
  out.push(msg);
}

function mapTools(tools: Array<Record<string, unknown>>): ToolDefinition[] {
  return tools.map((raw, i) => {
    if (raw.type !== undefined && raw.type !== "custom") {
      throw new MappingError(`tools.${i}.type`, `Invalid value for 'tools.${i}.type': server tools ('${String(raw.type)}') are not supported by this gateway; define client tools with name and input_schema`);
    }
    const r = customToolSchema.safeParse(raw);
    if (!r.success) {
      const e = issueToParseError(r.error.issues.map((x) => ({ ...x, path: ["tools", i, ...x.path] })));
      throw new MappingError(e.param, e.message);
    }
    const def: ToolDefinition = { name: r.data.name, parameters: r.data.input_schema };
    if (r.data.description !== undefined) def.description = r.data.description;
    return def;
  });
}

function toRequest(b: MessagesBody): ChatRequest {
  const messages: Message[] = [];
  if (b.system !== undefined) {
    const content: ContentPart[] =
      typeof b.system === "string" ? (b.system ? [{ type: "text", text: b.system }] : []) : b.system.map((s) => ({ type: "text", text: s.text }));
    if (content.length > 0) messages.push({ role: "system", content });
  }
  b.messages.forEach((m, i) => {
    const at = `messages.${i}`;
    const blocks: ContentBlock[] = typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content;
    if (m.role === "user") mapUserTurn(blocks, at, messages);
    else mapAssistantTurn(blocks, at, messages);
  });
  const stream = b.stream === true;
  const req: ChatRequest = { model: b.model, messages, maxTokens: b.max_tokens, stream };
  // Anthropic always reports usage (message_start / message_delta), so providers are always asked for it.
  if (stream) req.includeUsage = true;
  if (b.tools && b.tools.length > 0) req.tools = mapTools(b.tools);
  const tc = b.tool_choice;
  if (tc) {
    if (tc.type === "auto") req.toolChoice = "auto";
    else if (tc.type === "any") req.toolChoice = "required";
    else if (tc.type === "none") req.toolChoice = "none";
    else {
      if (!req.tools?.some((t) => t.name === tc.name)) {
        throw new MappingError("tool_choice.name", `Invalid value for 'tool_choice.name': no tool named '${tc.name}' is defined in 'tools'`);
      }
      req.toolChoice = { name: tc.name };
    }
    if (tc.type !== "none" && tc.disable_parallel_tool_use === true) req.parallelToolCalls = false;
  }
  if (b.stop_sequences && b.stop_sequences.length > 0) req.stop = b.stop_sequences;
  if (b.temperature !== undefined) req.temperature = b.temperature;
  if (b.top_p !== undefined) req.topP = b.top_p;
  if (b.top_k !== undefined) req.topK = b.top_k;
  if (b.metadata?.user_id) req.user = b.metadata.user_id;
  return req;
}

export function parseAnthropicMessages(body: unknown): ParsedChat {
  return parseBody(messagesBodySchema, toRequest, body);
}
