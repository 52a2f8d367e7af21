/** Cohere v2 chat response → unified ChatResponse. */
import type { ChatRequest, ChatResponse, ToolCall } from "../../types.ts";
import { generateId } from "../shared/ids.ts";
import { arr, obj, str } from "../shared/json.ts";
import { cohereUsage, finishReason } from "./outcome.ts";

export function cohereChatResponse(body: unknown, req: ChatRequest): ChatResponse {
  const root = obj(body) ?? {};
  const message = obj(root.message) ?? {};
  const texts: string[] = [];
  for (const item of arr(message.content)) {
    const part = obj(item);
    // Thinking parts of reasoning models are not part of the answer.
    if (part?.type === "text") texts.push(str(part.text) ?? "");
  }
  const toolCalls: ToolCall[] = arr(message.tool_calls).flatMap((item) => {
    const call = obj(item);
    const fn = obj(call?.function);
    if (!call || !fn) return [];
    return [{ id: str(call.id) ?? generateId("call_"), name: str(fn.name) ?? "", arguments: str(fn.arguments) ?? "{}" }];
  });
  const res: ChatResponse = {
    id: str(root.id) ?? generateId("chatcmpl-"),
    model: req.model,
    created: Math.floor(Date.now() / 1000),
    choices: [
      {
        index: 0,
        message: { content: texts.length > 0 ? texts.join("") : null, ...(toolCalls.length > 0 ? { toolCalls } : {}) },
        finishReason: finishReason(str(root.finish_reason)),
      },
    ],
  };
  const usage = cohereUsage(root.usage);
  if (usage) res.usage = usage;
  return res;
}
