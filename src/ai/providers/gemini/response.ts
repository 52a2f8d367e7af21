/** Gemini generateContent response → unified ChatResponse. */
import type { ChatChoice, ChatRequest, ChatResponse } from "../../types.ts";
import { generateId } from "../shared/ids.ts";
import { arr, num, obj, str } from "../shared/json.ts";
import { candidateParts } from "./candidate.ts";
import { blockReason, finishReason, geminiUsage } from "./outcome.ts";

export function geminiChatResponse(body: unknown, req: ChatRequest): ChatResponse {
  const root = obj(body) ?? {};
  const choices: ChatChoice[] = [];
  arr(root.candidates).forEach((item, i) => {
    const cand = obj(item);
    if (!cand) return;
    const { text, calls } = candidateParts(cand);
    choices.push({
      index: num(cand.index) ?? i,
      message: { content: text.length > 0 ? text.join("") : null, ...(calls.length > 0 ? { toolCalls: calls } : {}) },
      finishReason: finishReason(str(cand.finishReason), calls.length > 0),
    });
  });
  // A blocked prompt has no candidates: answer with an empty, filtered choice.
  if (choices.length === 0) {
    choices.push({ index: 0, message: { content: null }, finishReason: blockReason(root) !== undefined ? "content_filter" : "stop" });
  }
  const res: ChatResponse = {
    id: str(root.responseId) ?? generateId("chatcmpl-"),
    model: str(root.modelVersion) ?? req.model,
    created: createdAt(str(root.createTime)),
    choices,
  };
  const usage = geminiUsage(root.usageMetadata);
  if (usage) res.usage = usage;
  return res;
}

/** Vertex reports createTime; the Gemini API does not. */
function createdAt(createTime: string | undefined): number {
  const t = createTime !== undefined ? Date.parse(createTime) : Number.NaN;
  return Math.floor((Number.isNaN(t) ? Date.now() : t) / 1000);
}
