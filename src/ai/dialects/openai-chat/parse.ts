/**
 * `/v1/chat/completions` body → unified ChatRequest.
 *
 * Deprecated function calling (the `function` role, `functions`,
 * `function_call`) is refused with a 400 naming the replacement: mapping it
 * onto tool calls would answer in `tool_calls`, which a client still on
 * functions would not read, and the `function` role carries no call id to
 * pair the result with its call on providers that require one.
 */
import type { ParsedChat } from "../../dialect.ts";
import type { ChatRequest, ContentPart, Message, ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from "../../types.ts";
import { imageSourceFromUrl } from "../shared/data-url.ts";
import { MappingError, parseBody } from "../shared/zod-issues.ts";
import { type ChatBody, type ChatMessageBody, chatBodySchema } from "./schema.ts";

type TextPart = { type: "text"; text: string };

function textParts(content: string | TextPart[]): ContentPart[] {
  if (typeof content === "string") return content.length > 0 ? [{ type: "text", text: content }] : [];
  return content.map((p) => ({ type: "text", text: p.text }));
}

function mapMessage(m: ChatMessageBody, i: number): Message {
  const at = `messages.${i}`;
  switch (m.role) {
    case "system":
    case "developer":
      return { role: "system", content: textParts(m.content) };
    case "user": {
      if (typeof m.content === "string") {
        const msg: Message = { role: "user", content: textParts(m.content) };
        if (m.name) msg.name = m.name;
        return msg;
      }
      const content: ContentPart[] = m.content.map((p, j): ContentPart => {
        const param = `${at}.content.${j}`;
        switch (p.type) {
          case "text":
            return { type: "text", text: p.text };
          case "image_url": {
            const part: ContentPart = { type: "image", source: imageSourceFromUrl(p.image_url.url, `${param}.image_url.url`) };
            if (p.image_url.detail) part.detail = p.image_url.detail;
            return part;
          }
          case "input_audio":
          case "file":
            throw new MappingError(`${param}.type`, `Invalid value for '${param}.type': '${p.type}' content parts are not supported by this gateway; send text or image_url parts`);
        }
      });
      const msg: Message = { role: "user", content };
      if (m.name) msg.name = m.name;
      return msg;
    }
    case "assistant": {
      if (m.function_call != null) {
        throw new MappingError(`${at}.function_call`, `'${at}.function_call' is deprecated and not supported; use 'tool_calls'`);
      }
      const content: ContentPart[] = [];
      const refusals: string[] = [];
      if (typeof m.content === "string") content.push(...textParts(m.content));
      else if (m.content) {
        for (const p of m.content) {
          if (p.type === "text") content.push({ type: "text", text: p.text });
          else refusals.push(p.refusal);
        }
      }
      if (m.refusal) refusals.push(m.refusal);
      const msg: Message = { role: "assistant", content };
      if (m.tool_calls && m.tool_calls.length > 0) {
        msg.toolCalls = m.tool_calls.map((c): ToolCall => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
      }
      if (refusals.length > 0) msg.refusal = refusals.join("");
      return msg;
    }
    case "tool":
      return { role: "tool", toolCallId: m.tool_call_id, content: textParts(m.content) };
    case "function":
      throw new MappingError(
        `${at}.role`,
        `Invalid value for '${at}.role': the deprecated 'function' role is not supported; answer tool calls with role 'tool' and 'tool_call_id'`,
      );
  }
}

function mapTools(tools: NonNullable<ChatBody["tools"]>): ToolDefinition[] {
  return tools.map((t) => {
    const def: ToolDefinition = { name: t.function.name, parameters: t.function.parameters ?? { type: "object", properties: {} } };
    if (t.function.description != null) def.description = t.function.description;
    if (t.function.strict != null) def.strict = t.function.strict;
    return def;
  });
}

function mapToolChoice(choice: NonNullable<ChatBody["tool_choice"]>, tools: ToolDefinition[] | undefined): ToolChoice {
  if (typeof choice === "string") return choice;
  const name = choice.function.name;
  if (!tools?.some((t) => t.name === name)) {
    throw new MappingError("tool_choice.function.name", `Invalid value for 'tool_choice.function.name': no tool named '${name}' is defined in 'tools'`);
  }
  return { name };
}

function mapResponseFormat(f: NonNullable<ChatBody["response_format"]>): ResponseFormat {
  if (f.type !== "json_schema") return { type: f.type };
  const out: ResponseFormat = { type: "json_schema", name: f.json_schema.name, schema: f.json_schema.schema ?? {} };
  if (f.json_schema.strict != null) out.strict = f.json_schema.strict;
  if (f.json_schema.description != null) out.description = f.json_schema.description;
  return out;
}

function toRequest(b: ChatBody): ChatRequest {
  if (b.functions != null) throw new MappingError("functions", "'functions' is deprecated and not supported; use 'tools'");
  if (b.function_call != null) throw new MappingError("function_call", "'function_call' is deprecated and not supported; use 'tool_choice'");
  if (b.top_logprobs != null && b.logprobs !== true) {
    throw new MappingError("top_logprobs", "Invalid value for 'top_logprobs': 'logprobs' must be true when 'top_logprobs' is set");
  }
  const stream = b.stream === true;
  const req: ChatRequest = { model: b.model, messages: b.messages.map(mapMessage), stream };
  if (b.tools && b.tools.length > 0) req.tools = mapTools(b.tools);
  if (b.tool_choice != null) req.toolChoice = mapToolChoice(b.tool_choice, req.tools);
  if (b.parallel_tool_calls != null) req.parallelToolCalls = b.parallel_tool_calls;
  if (b.response_format != null) req.responseFormat = mapResponseFormat(b.response_format);
  if (b.temperature != null) req.temperature = b.temperature;
  if (b.top_p != null) req.topP = b.top_p;
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (maxTokens != null) req.maxTokens = maxTokens;
  if (b.stop != null) {
    const stop = typeof b.stop === "string" ? [b.stop] : b.stop;
    if (stop.length > 0) req.stop = stop;
  }
  if (b.seed != null) req.seed = b.seed;
  if (b.n != null) req.n = b.n;
  if (b.presence_penalty != null) req.presencePenalty = b.presence_penalty;
  if (b.frequency_penalty != null) req.frequencyPenalty = b.frequency_penalty;
  if (b.logprobs != null) req.logprobs = b.logprobs;
  if (b.top_logprobs != null) req.topLogprobs = b.top_logprobs;
  if (b.user != null) req.user = b.user;
  if (stream && b.stream_options?.include_usage === true) req.includeUsage = true;
  if (b.reasoning_effort != null) req.reasoningEffort = b.reasoning_effort;
  return req;
}

export function parseChatCompletions(body: unknown): ParsedChat {
  return parseBody(chatBodySchema, toRequest, body);
}
