/** An OpenAI-shaped chat completion body → unified ChatResponse. */
import { WaygateError } from "../../../core/errors.ts";
import type { ChatChoice, ChatRequest, ChatResponse } from "../../types.ts";
import { arr, num, obj, str, type JsonObject } from "../shared/json.ts";
import { generateId } from "../shared/ids.ts";
import { contentText } from "./content.ts";
import { openAiFinishReason } from "./finish.ts";
import { parseOpenAiLogprobs } from "./logprobs.ts";
import { parseToolCalls } from "./tool-calls.ts";
import { parseOpenAiUsage } from "./usage.ts";

export function parseChatCompletion(body: unknown, req: ChatRequest, provider: string): ChatResponse {
  const root = obj(body);
  if (!root || !Array.isArray(root.choices)) {
    throw new WaygateError("provider_error", `${provider} answered without choices`);
  }
  const res: ChatResponse = {
    id: str(root.id) || generateId("chatcmpl-"),
    model: str(root.model) || req.model,
    created: num(root.created) ?? Math.floor(Date.now() / 1000),
    choices: arr(root.choices).flatMap((c, i) => {
      const choice = obj(c);
      return choice ? [parseChoice(choice, i)] : [];
    }),
  };
  const usage = parseOpenAiUsage(root.usage);
  if (usage) res.usage = usage;
  const fingerprint = str(root.system_fingerprint);
  if (fingerprint) res.systemFingerprint = fingerprint;
  return res;
}

function parseChoice(choice: JsonObject, position: number): ChatChoice {
  const message = obj(choice.message) ?? {};
  const toolCalls = parseToolCalls(message.tool_calls);
  const text = contentText(message.content);
  const out: ChatChoice = {
    index: num(choice.index) ?? position,
    // Mistral answers "" beside tool calls where OpenAI answers null.
    message: { content: text === undefined || (text === "" && toolCalls.length > 0) ? null : text },
    finishReason: openAiFinishReason(str(choice.finish_reason), toolCalls.length > 0),
  };
  if (toolCalls.length > 0) out.message.toolCalls = toolCalls;
  const refusal = str(message.refusal);
  if (refusal !== undefined) out.message.refusal = refusal;
  const logprobs = parseOpenAiLogprobs(choice.logprobs);
  if (logprobs) out.logprobs = logprobs;
  return out;
}
