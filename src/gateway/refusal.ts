/**
 * A request the gateway itself refuses (authentication, a policy, bad
 * input) answered in the format its caller expects: on a service of kind
 * `ai`, the error format of the endpoint that was called (Anthropic's on
 * /messages, OpenAI's on the other client APIs), so SDKs surface it as they
 * would a provider's; everywhere else — prompt APIs included — Waygate's
 * JSON error.
 */
import { dialectForPath } from "../ai/dialects/index.ts";
import { isAiEndpointPath } from "../ai/endpoint-paths.ts";
import { type WaygateError, errorResponse } from "../core/errors.ts";
import type { RequestContext } from "./context.ts";

export function refusalResponse(ctx: RequestContext, err: WaygateError, headers?: Record<string, string> | Headers): Response {
  ctx.record.status = err.status;
  ctx.record.error_code = err.code;
  if (ctx.route?.service.service.kind !== "ai" || !isAiEndpointPath(ctx.path)) {
    return errorResponse(err, ctx.requestId, headers instanceof Headers ? Object.fromEntries(headers) : headers);
  }
  const details = err.details ?? [];
  // The AI formats have no list of failing fields: they go into the message, the first one into `param`.
  const message = details.length > 0 ? `${err.message}: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}` : err.message;
  const res = dialectForPath(ctx.path).renderError(err.status, err.code, message, details[0]?.path);
  res.headers.set("x-request-id", ctx.requestId);
  if (err.retryAfter !== undefined) res.headers.set("retry-after", String(Math.max(0, Math.ceil(err.retryAfter))));
  if (headers) for (const [name, value] of headers instanceof Headers ? headers : Object.entries(headers)) res.headers.set(name, value);
  return res;
}
