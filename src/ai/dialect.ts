/**
 * A client dialect is the API an application speaks to Waygate: OpenAI chat
 * completions, OpenAI responses, Anthropic messages. It parses requests into
 * the unified ChatRequest and renders unified answers, stream events and
 * errors back in its own format — so an Anthropic-SDK client gets Anthropic
 * shapes whatever provider actually answered.
 */
import type { ChatRequest, ChatResponse, ChatStreamEvent } from "./types.ts";

export interface DialectParseError {
  /** Dotted path of the offending parameter, e.g. `messages.2.content`. */
  param: string;
  message: string;
}

export type ParsedChat = { ok: true; request: ChatRequest } | { ok: false; error: DialectParseError };

export interface StreamEncoder {
  /** SSE text for one unified event ('' when the dialect has nothing to say for it). */
  event(ev: ChatStreamEvent): string;
  /** SSE text closing a successful stream (e.g. `data: [DONE]`). */
  done(): string;
  /** A well-formed in-stream error event ending the stream. */
  error(code: string, message: string): string;
}

export interface ClientDialect {
  readonly name: "openai_chat" | "openai_responses" | "anthropic_messages";
  /** `model` of the returned request is the name the client asked for (a virtual model or `provider/model`). */
  parseChat(body: unknown): ParsedChat;
  /** `model` is what the response should claim (the client's requested name). */
  renderChat(res: ChatResponse, model: string): unknown;
  streamEncoder(model: string, opts: { includeUsage: boolean }): StreamEncoder;
  /** An error in this dialect's JSON shape with the given HTTP status. */
  renderError(status: number, code: string, message: string, param?: string): Response;
}
