/**
 * A prompt API call as a unified ChatRequest: each template rendered with
 * the caller's variables, the prompt API's parameters, and its output schema
 * as a JSON-schema response format. What reaches the model is fixed by the
 * prompt API; the caller supplies only variable values.
 */
import type { ChatRequest, Message, ResponseFormat } from "../ai/types.ts";
import type { CompiledPromptApi } from "./compiled.ts";
import { renderTemplate } from "./template.ts";

export type BuiltRequest = { ok: true; request: ChatRequest } | { ok: false; missing: string[] };

export function buildChatRequest(compiled: CompiledPromptApi, variables: Record<string, unknown>, stream: boolean): BuiltRequest {
  const { api } = compiled;
  const messages: Message[] = [];
  const missing = new Set<string>();
  for (const m of compiled.messages) {
    const rendered = renderTemplate(m.parts, variables);
    if (!rendered.ok) {
      for (const name of rendered.missing) missing.add(name);
      continue;
    }
    messages.push({ role: m.role, content: [{ type: "text", text: rendered.text }] });
  }
  if (missing.size > 0) return { ok: false, missing: [...missing] };
  const p = api.parameters;
  const request: ChatRequest = {
    model: api.model,
    messages,
    stream,
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.top_p !== undefined ? { topP: p.top_p } : {}),
    ...(p.max_tokens !== undefined ? { maxTokens: p.max_tokens } : {}),
    ...(p.stop !== undefined ? { stop: p.stop } : {}),
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
    ...(p.presence_penalty !== undefined ? { presencePenalty: p.presence_penalty } : {}),
    ...(p.frequency_penalty !== undefined ? { frequencyPenalty: p.frequency_penalty } : {}),
    ...(api.output_schema ? { responseFormat: outputFormat(api.name, api.output_schema) } : {}),
  };
  return { ok: true, request };
}

/** Providers want a short identifier as the schema's name. */
function outputFormat(name: string, schema: Record<string, unknown>): ResponseFormat {
  const id = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return { type: "json_schema", name: id, schema, strict: false };
}
