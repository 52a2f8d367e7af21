/**
 * Simulated Cohere v2, mounted at `/cohere` (environment `<mock>/cohere`):
 * `/v2/chat` (JSON or SSE events) and `/v2/embed`. Auth: Bearer token.
 */
import { selectFault } from "../common/faults.ts";
import { asString, bearerToken, isRejectedKey, jsonResponse, readJsonObject } from "../common/http.ts";
import { streamResponse } from "../common/stream.ts";
import { applyTransportFault, streamTiming } from "../common/transport.ts";
import type { MockControl, MockProviderHandler } from "../types.ts";
import { cohereAnswer, cohereChatBody, cohereChatEvents } from "./cohere/answer.ts";
import { handleEmbed } from "./cohere/embed.ts";
import { cohereError, cohereFaultError } from "./cohere/errors.ts";
import { cohereSummary } from "./cohere/summary.ts";

async function chat(req: Request, body: Record<string, unknown>, ctl: MockControl, model: string): Promise<Response> {
  if (!Array.isArray(body.messages) || body.messages.length === 0) return cohereError(400, "invalid request: messages must not be empty");
  const summary = cohereSummary(body, model);
  const fault = selectFault(ctl, "cohere", summary.lastUserText);
  const early = await applyTransportFault(fault, req);
  if (early) return early;
  const error = cohereFaultError(fault);
  if (error) return error;
  const answer = cohereAnswer(summary, typeof body.max_tokens === "number" ? body.max_tokens : undefined);
  if (body.stream !== true) return jsonResponse(cohereChatBody(answer));
  return streamResponse(cohereChatEvents(answer), { ...streamTiming(fault), contentType: "text/event-stream", signal: req.signal });
}

async function handle(req: Request, path: string, ctl: MockControl): Promise<Response> {
  const key = bearerToken(req);
  if (!key || isRejectedKey(key)) return cohereError(401, "invalid api token");
  if (req.method !== "POST" || (path !== "/v2/chat" && path !== "/v2/embed")) return jsonResponse({ message: "Not Found" }, 404);
  const body = await readJsonObject(req);
  if (!body) return cohereError(400, "invalid request: could not parse the JSON body");
  const model = asString(body.model);
  if (!model) return cohereError(400, "invalid request: model is required");
  return path === "/v2/chat" ? chat(req, body, ctl, model) : handleEmbed(req, body, ctl, model);
}

export const handler: MockProviderHandler = { prefix: "/cohere", name: "cohere", handle };
