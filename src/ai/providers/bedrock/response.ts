/** Converse response → unified ChatResponse. Converse names neither the answer nor the model, so both come from here. */
import type { ChatRequest, ChatResponse, ToolCall } from "../../types.ts";
import { generateId } from "../shared/ids.ts";
import { arr, obj, str } from "../shared/json.ts";
import { bedrockUsage, finishReason } from "./outcome.ts";
import { ANSWER_TOOL } from "./tools.ts";

export function bedrockChatResponse(body: unknown, req: ChatRequest): ChatResponse {
  const root = obj(body) ?? {};
  const answerTool = req.responseFormat?.type === "json_schema";
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  let answered = false;
  for (const item of arr(obj(obj(root.output)?.message)?.content)) {
    const block = obj(item);
    if (!block) continue;
    const text = str(block.text);
    if (text !== undefined) texts.push(text);
    const use = obj(block.toolUse);
    if (!use) continue;
    const name = str(use.name) ?? "";
    const args = JSON.stringify(use.input ?? {});
    if (answerTool && name === ANSWER_TOOL) {
      texts.push(args);
      answered = true;
    } else toolCalls.push({ id: str(use.toolUseId) ?? generateId("tooluse_"), name, arguments: args });
  }
  const res: ChatResponse = {
    id: generateId("msg_"),
    model: req.model,
    created: Math.floor(Date.now() / 1000),
    choices: [
      {
        index: 0,
        message: { content: texts.length > 0 ? texts.join("") : null, ...(toolCalls.length > 0 ? { toolCalls } : {}) },
        finishReason: answered && toolCalls.length === 0 ? "stop" : finishReason(str(root.stopReason)),
      },
    ],
  };
  const usage = bedrockUsage(root.usage);
  if (usage) res.usage = usage;
  return res;
}
