/** `POST /v1/responses`, JSON or streamed. */
import { selectFault } from "../../common/faults.ts";
import { jsonResponse, type JsonObject } from "../../common/http.ts";
import { streamResponse } from "../../common/stream.ts";
import { applyTransportFault, streamTiming } from "../../common/transport.ts";
import type { MockControl } from "../../types.ts";
import { faultError } from "./errors.ts";
import { responseJson, responsesAnswer } from "./responses-body.ts";
import { responsesEvents } from "./responses-stream.ts";
import { responsesSummary } from "./responses-summary.ts";

export async function handleResponses(req: Request, body: JsonObject, ctl: MockControl, provider: string, model: string): Promise<Response> {
  const summary = responsesSummary(body, provider, model);
  const fault = selectFault(ctl, provider, summary.lastUserText);
  const early = await applyTransportFault(fault, req);
  if (early) return early;
  const error = faultError(fault);
  if (error) return error;
  const answer = responsesAnswer(body, summary, fault?.kind === "content_filter");
  if (body.stream !== true) return jsonResponse(responseJson(answer, "completed"));
  return streamResponse(responsesEvents(answer), { ...streamTiming(fault), contentType: "text/event-stream", signal: req.signal });
}
