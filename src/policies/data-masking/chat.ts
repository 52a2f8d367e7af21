/**
 * Masking the unified chat shapes: every text part of every message (system,
 * user, assistant, tool results), assistant refusals and tool-call
 * arguments on the way in; answer text, refusals and tool-call arguments on
 * the way out. Objects are copied only where something changed.
 */
import type { ChatChoice, ChatRequest, ChatResponse, ContentPart, EmbeddingsRequest, Message, ToolCall } from "../../ai/types.ts";
import { maskJsonText } from "./body.ts";
import type { Masker } from "./masker.ts";

/** Counts hits while masking one request or answer. */
class Pass {
  hits = 0;
  constructor(readonly masker: Masker) {}

  text(s: string): string {
    const r = this.masker.mask(s);
    this.hits += r.hits.length;
    return r.text;
  }

  json(s: string): string {
    return maskJsonText(this.masker, s, (h) => {
      this.hits += h.length;
    });
  }

  parts(parts: ContentPart[]): ContentPart[] {
    let changed = false;
    const out = parts.map((p) => {
      if (p.type !== "text") return p;
      const text = this.text(p.text);
      if (text === p.text) return p;
      changed = true;
      return { ...p, text };
    });
    return changed ? out : parts;
  }

  toolCalls(calls: ToolCall[]): ToolCall[] {
    let changed = false;
    const out = calls.map((c) => {
      const args = this.json(c.arguments);
      if (args === c.arguments) return c;
      changed = true;
      return { ...c, arguments: args };
    });
    return changed ? out : calls;
  }

  message(m: Message): Message {
    const content = this.parts(m.content);
    if (m.role !== "assistant") return content === m.content ? m : { ...m, content };
    const toolCalls = m.toolCalls ? this.toolCalls(m.toolCalls) : undefined;
    const refusal = m.refusal !== undefined ? this.text(m.refusal) : undefined;
    if (content === m.content && toolCalls === m.toolCalls && refusal === m.refusal) return m;
    return { ...m, content, ...(toolCalls ? { toolCalls } : {}), ...(refusal !== undefined ? { refusal } : {}) };
  }
}

export function maskChatRequest(masker: Masker, req: ChatRequest): ChatRequest {
  const pass = new Pass(masker);
  const messages = req.messages.map((m) => pass.message(m));
  return pass.hits === 0 ? req : { ...req, messages };
}

export function maskChatResponse(masker: Masker, res: ChatResponse): ChatResponse {
  let changed = false;
  const choices = res.choices.map((c) => {
    const masked = maskChoice(masker, c);
    if (masked !== c) changed = true;
    return masked;
  });
  return changed ? { ...res, choices } : res;
}

function maskChoice(masker: Masker, c: ChatChoice): ChatChoice {
  const pass = new Pass(masker);
  const content = c.message.content !== null ? pass.text(c.message.content) : null;
  const refusal = typeof c.message.refusal === "string" ? pass.text(c.message.refusal) : c.message.refusal;
  const toolCalls = c.message.toolCalls ? pass.toolCalls(c.message.toolCalls) : undefined;
  if (pass.hits === 0) return c;
  // Log-probabilities carry the answer's tokens, unmasked: they go with the masked text.
  const { logprobs: _dropped, ...rest } = c;
  return {
    ...rest,
    message: { ...c.message, content, ...(refusal !== undefined ? { refusal } : {}), ...(toolCalls ? { toolCalls } : {}) },
  };
}

/** The texts of an embeddings request; the same object when nothing was masked. */
export function maskEmbeddingsRequest(masker: Masker, req: EmbeddingsRequest): EmbeddingsRequest {
  const pass = new Pass(masker);
  const input = req.input.map((t) => pass.text(t));
  return pass.hits === 0 ? req : { ...req, input };
}
