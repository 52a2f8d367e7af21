/** Decides a chat completion's content once, for both the JSON and the streamed encodings. */
import type { ConversationSummary } from "../../common/conversation.ts";
import { nowSeconds } from "../../common/ids.ts";
import { asString, type JsonObject } from "../../common/http.ts";
import { limitReply, type MockReply, planReply } from "../../common/reply.ts";
import { type MockUsage, mockUsage } from "../../common/tokens.ts";
import type { ChatFlavor } from "./flavor.ts";

export type ChatFinish = "stop" | "length" | "tool_calls" | "content_filter";

export interface ChatAnswer {
  id: string;
  created: number;
  model: string;
  choices: number;
  reply: MockReply;
  /** Tool call ids per choice. */
  toolCallIds: string[][];
  finish: ChatFinish;
  usage: MockUsage;
  logprobs: boolean;
  topLogprobs: number;
}

export function chatAnswer(body: JsonObject, s: ConversationSummary, flavor: ChatFlavor, filtered: boolean): ChatAnswer {
  const n = typeof body.n === "number" && body.n >= 1 ? Math.floor(body.n) : 1;
  const maxTokens = [body.max_completion_tokens, body.max_tokens].find((v): v is number => typeof v === "number");
  const limited = filtered ? { reply: { kind: "text", text: "" } as MockReply, truncated: false } : limitReply(planReply(s), maxTokens);
  const reply = limited.reply;
  const once = mockUsage(s, reply);
  const finish: ChatFinish = filtered ? "content_filter" : limited.truncated ? "length" : reply.kind === "tool_calls" ? "tool_calls" : "stop";
  return {
    id: flavor.completionId(),
    created: nowSeconds(),
    model: asString(body.model) ?? s.model,
    choices: n,
    reply,
    toolCallIds: Array.from({ length: n }, () => (reply.kind === "tool_calls" ? reply.calls.map(() => flavor.toolCallId()) : [])),
    finish,
    usage: { input: once.input, output: once.output * n, total: once.input + once.output * n },
    logprobs: body.logprobs === true,
    topLogprobs: typeof body.top_logprobs === "number" ? body.top_logprobs : 0,
  };
}
