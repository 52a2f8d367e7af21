/** Anthropic Messages response → unified ChatResponse. */
import type { ChatRequest, ChatResponse, ToolCall } from "../../types.ts";
import { generateId } from "../shared/ids.ts";
import { arr, obj, str } from "../shared/json.ts";
import { anthropicUsage, finishReason } from "./outcome.ts";
import { ANSWER_TOOL } from "./tools.ts";

export function anthropicChatResponse(body: unknown, req: ChatRequest): ChatResponse {
  const root = obj(body) ?? {};
  const answerTool = req.responseFormat?.type === "json_schema";
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  let answered = false;
  for (const item of arr(root.content)) {
    const block = obj(item);
    if (!block) continue;
    if (block.type === "text") texts.push(str(block.text) ?? "");
    else if (block.type === "tool_use") {
      const name = str(block.name) ?? "";
      const args = JSON.stringify(block.input ?? {});
      if (answerTool && name === ANSWER_TOOL) {
        texts.push(args);
        answered = true;
      } else toolCalls.push({ id: str(block.id) ?? generateId("toolu_"), name, arguments: args });
    }
  }
  const stop = str(root.stop_reason);
  const res: ChatResponse = {
    id: str(root.id) ?? generateId("msg_"),
    model: str(root.model) ?? req.model,
    created: Math.floor(Date.now() / 1000),
    choices: [
      {
        index: 0,
        message: {
          content: texts.length > 0 ? texts.join("") : null,
          ...(toolCalls.length > 0 ? { toolCalls } : {}),
        },
        finishReason: answered && toolCalls.length === 0 ? "stop" : finishReason(stop),
      },
    ],
  };
  const usage = anthropicUsage(root.usage);
  if (usage) res.usage = usage;
  return res;
}
