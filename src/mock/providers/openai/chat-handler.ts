/**
 * Chat completions for OpenAI, Azure OpenAI and Mistral: parse, pick the
 * fault, answer with the flavor's JSON or stream.
 */
import { selectFault } from "../../common/faults.ts";
import { jsonResponse, type JsonObject } from "../../common/http.ts";
import { streamResponse } from "../../common/stream.ts";
import { applyTransportFault, streamTiming } from "../../common/transport.ts";
import type { MockControl } from "../../types.ts";
import { chatAnswer } from "./chat-answer.ts";
import { chatCompletionBody } from "./chat-body.ts";
import { chatChunks } from "./chat-chunks.ts";
import { chatSummary } from "./chat-summary.ts";
import type { ChatFlavor } from "./flavor.ts";

export interface ChatCall {
  req: Request;
  body: JsonObject;
  ctl: MockControl;
  provider: string;
  /** The model the reply names: the body's `model`, or Azure's deployment. */
  model: string;
  flavor: ChatFlavor;
  headers?: Record<string, string>;
}

export async function handleChat(c: ChatCall): Promise<Response> {
  const summary = chatSummary(c.body, c.provider, c.model);
  const fault = selectFault(c.ctl, c.provider, summary.lastUserText);
  const early = await applyTransportFault(fault, c.req);
  if (early) return early;
  const error = c.flavor.faultError(fault);
  if (error) return error;
  const answer = chatAnswer({ ...c.body, model: c.model }, summary, c.flavor, fault?.kind === "content_filter");
  if (c.body.stream !== true) return jsonResponse(chatCompletionBody(answer, c.flavor), 200, c.headers);
  const streamOptions = c.body.stream_options;
  const includeUsage = typeof streamOptions === "object" && streamOptions !== null && (streamOptions as JsonObject).include_usage === true;
  return streamResponse(chatChunks(answer, c.flavor, includeUsage), {
    ...streamTiming(fault),
    contentType: "text/event-stream",
    signal: c.req.signal,
    ...(c.headers ? { headers: c.headers } : {}),
  });
}
