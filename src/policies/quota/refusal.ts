/**
 * A quota or budget refusal as a ready Response: on an AI service in the
 * client's own error format (OpenAI's for /chat/completions, /responses and
 * /embeddings, Anthropic's for /messages) so SDKs surface it as they would
 * a provider's; elsewhere in Waygate's format. The code is also recorded on
 * the call.
 */
import { anthropicMessages, openaiChat } from "../../ai/dialects/index.ts";
import { type WaygateError, errorResponse } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";

export function refusalResponse(ctx: RequestContext, err: WaygateError, headers: Headers): Response {
  ctx.record.error_code = err.code;
  if (err.retryAfter !== undefined) headers.set("retry-after", String(err.retryAfter));
  headers.set("x-request-id", ctx.requestId);
  if (ctx.route?.service.service.kind !== "ai") return errorResponse(err, ctx.requestId, Object.fromEntries(headers));
  const path = ctx.path.endsWith("/") ? ctx.path.slice(0, -1) : ctx.path;
  const dialect = path.endsWith("/messages") ? anthropicMessages : openaiChat;
  const res = dialect.renderError(err.status, err.code, err.message);
  for (const [name, value] of headers) res.headers.set(name, value);
  return res;
}
