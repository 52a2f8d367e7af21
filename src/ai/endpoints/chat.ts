/**
 * The chat flow shared by every client dialect: parse → resolve the model →
 * plan the route → execute with fallback → answer (JSON or a stream) in the
 * client's format, recording tokens, cost and every attempt on the call.
 */
import type { RequestContext } from "../../gateway/context.ts";
import type { ProxyHooks } from "../../gateway/proxy.ts";
import { emptyAiFields } from "../../telemetry/call-record.ts";
import type { ClientDialect } from "../dialect.ts";
import type { AiRuntime } from "../runtime/ai-runtime.ts";
import type { ChatRequest, ChatResponse, Usage } from "../types.ts";
import { WaygateError } from "../../core/errors.ts";
import { reportConsumed, runChat, streamChat } from "./chat-run.ts";
import { failCall } from "./errors.ts";
import { chatRequestHooks, chatResponseHooks } from "./policy-hooks.ts";
import { readJson } from "./read-json.ts";

export interface ChatEndpointInput {
  ctx: RequestContext;
  ai: AiRuntime;
  dialect: ClientDialect;
  hooks: ProxyHooks;
  teamId: string | undefined;
  bodyLimit: number;
}

export async function handleChat(input: ChatEndpointInput): Promise<Response> {
  const { ctx, ai, dialect, hooks } = input;
  const fail = failCall(ctx, hooks, dialect);

  const body = await readJson(ctx.req, input.bodyLimit, ctx.body);
  if (!body.ok) return fail(body.status, body.status === 413 ? "payload_too_large" : "bad_request", body.message);
  ctx.record.request_bytes = body.bytes;
  const parsed = dialect.parseChat(body.value);
  if (!parsed.ok) return fail(400, "bad_request", parsed.error.message, parsed.error.param);
  const requested = parsed.request.model;
  const fields = emptyAiFields(dialect.name, requested, parsed.request.stream);
  ctx.record.ai = fields;
  const checked = chatRequestHooks(ctx, parsed.request);
  if (checked instanceof WaygateError) return fail(checked.status, checked.code, checked.message);
  const request = checked;

  const run = await runChat({ ctx, ai, teamId: input.teamId, requested, request, fields, raw: body.value as Record<string, unknown> });
  if (!run.ok) return fail(run.failure.status, run.failure.code, run.failure.message, run.failure.param, run.failure.retryAfterSeconds);
  const { result, meter } = run;

  if ("response" in result.value) {
    const res = result.value.response;
    meter.fromResponse(res);
    meter.record(fields, res.choices[0]?.finishReason ?? null);
    reportConsumed(ctx, run, fields);
    const answer = chatResponseHooks(ctx, res);
    if (answer instanceof WaygateError) return fail(answer.status, answer.code, answer.message);
    ctx.record.status = 200;
    const out = JSON.stringify(dialect.renderChat(withUsage(answer, meter.usage()), requested));
    ctx.record.response_bytes = out.length;
    const headers = new Headers({ "content-type": "application/json", "x-request-id": ctx.requestId, "x-waygate-provider": result.provider.name });
    hooks.decorate(ctx, headers);
    hooks.finish(ctx);
    return new Response(out, { status: 200, headers });
  }

  const includeUsage = request.includeUsage ?? false;
  ctx.record.status = 200;
  const headers = new Headers({
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": ctx.requestId,
    "x-waygate-provider": result.provider.name,
  });
  hooks.decorate(ctx, headers);
  const encoder = dialect.streamEncoder(requested, { includeUsage });
  return new Response(streamChat({ ctx, hooks, run, fields, encoder, includeUsage }), { status: 200, headers });
}

function withUsage(res: ChatResponse, usage: Usage): ChatResponse {
  return res.usage === usage ? res : { ...res, usage };
}

export type { ChatRequest };
