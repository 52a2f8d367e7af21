/**
 * The chat flow shared by every client dialect: parse → resolve the model →
 * plan the route → execute with fallback → answer (JSON or a stream) in the
 * client's format, recording tokens, cost and every attempt on the call.
 */
import type { RequestContext } from "../../gateway/context.ts";
import type { ProxyHooks } from "../../gateway/proxy.ts";
import { emptyAiFields } from "../../telemetry/call-record.ts";
import type { ClientDialect } from "../dialect.ts";
import { executeChat } from "../runtime/execute.ts";
import type { AiRuntime } from "../runtime/ai-runtime.ts";
import { planRoute } from "../runtime/route-plan.ts";
import { pumpStream } from "../runtime/stream-pump.ts";
import type { ChatRequest, ChatResponse, ChatStreamEvent, Usage } from "../types.ts";
import { WaygateError } from "../../core/errors.ts";
import { clientFailure, failCall } from "./errors.ts";
import { chatRequestHooks, chatResponseHooks, chatStreamFilter, consumedHooks } from "./policy-hooks.ts";
import { readJson } from "./read-json.ts";
import { UsageMeter } from "./usage-meter.ts";

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

  const resolved = ai.resolve(requested, input.teamId);
  if (!resolved) return fail(404, "model_not_found", `the model ${requested} does not exist or you do not have access to it`, "model");
  fields.virtual_model = resolved.virtualModel?.name ?? null;
  const raw = body.value as Record<string, unknown>;
  const plan = planRoute(resolved.route, {
    random: Math.random,
    condition: {
      header: (n) => ctx.req.headers.get(n),
      metadata: isRecord(raw.metadata) ? raw.metadata : {},
      params: raw,
      appName: ctx.applicationName,
      promptTokens: () => ai.estimateChatTokens(request),
    },
    latencyOf: (n) => ai.latency.get(n.provider, n.model),
    costOf: (n) => ai.pricePerMTok(n.provider, n.model),
  });
  if (plan.length === 0) return fail(400, "model_not_found", `no route of ${requested} applies to this request`, "model");

  const result = await executeChat(plan, request, ai.executeDeps, (p) => p.provider.timeouts, ctx.req.signal);
  fields.attempts = result.attempts;
  ctx.record.attempts = result.attempts.length;
  if (!result.ok) {
    if (result.cancelled) return fail(499, "client_closed_request", "client closed the request");
    const f = clientFailure(result.error);
    return fail(f.status, f.code, f.message, undefined, f.retryAfterSeconds);
  }
  fields.provider = result.provider.name;
  fields.model = result.model;
  ctx.record.target = result.provider.name;
  const meter = new UsageMeter(ai, result.provider, result.model, result.value.request);

  const consumed = () => consumedHooks(ctx, { provider: result.provider.name, model: result.model, usage: meter.usage(), costUsd: fields.cost_usd });

  if ("response" in result.value) {
    const res = result.value.response;
    meter.fromResponse(res);
    meter.record(fields, res.choices[0]?.finishReason ?? null);
    consumed();
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

  const stream = result.value.stream;
  const encoder = dialect.streamEncoder(requested, { includeUsage: request.includeUsage ?? false });
  let finish: string | null = null;
  ctx.record.status = 200;
  const headers = new Headers({
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": ctx.requestId,
    "x-waygate-provider": result.provider.name,
  });
  hooks.decorate(ctx, headers);
  const filter = chatStreamFilter(ctx);
  const body$ = pumpStream({
    stream,
    encoder,
    idleMs: result.provider.provider.timeouts.idle_ms,
    ...(filter ? { filter: { push: (ev) => refusal(filter.push(ev)), flush: () => refusal(filter.flush()) } } : {}),
    observe(ev) {
      meter.observe(ev);
      if (ev.type === "finish" && ev.choice === 0) finish = ev.reason;
    },
    finish(end) {
      // Release the key the stream held; a failed stream also counts against it.
      if (end.kind === "failed") {
        result.provider.pool.report(result.target, { kind: "reset", durationMs: 0, message: end.error.message });
        ctx.record.error_code = clientFailure(end.error).code;
      } else {
        result.target.end();
        if (end.kind === "cancelled") ctx.record.error_code = "client_closed_request";
        if (end.kind === "refused") ctx.record.error_code = end.code;
      }
      const extra = meter.streamEnded(request.includeUsage ?? false);
      meter.record(fields, finish);
      consumed();
      hooks.finish(ctx);
      return extra;
    },
  });
  return new Response(body$, { status: 200, headers });
}

/** A filter's WaygateError as the pump's plain refusal. */
function refusal(out: ChatStreamEvent[] | WaygateError): ChatStreamEvent[] | { code: string; message: string } {
  return out instanceof WaygateError ? { code: out.code, message: out.message } : out;
}

function withUsage(res: ChatResponse, usage: Usage): ChatResponse {
  return res.usage === usage ? res : { ...res, usage };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export type { ChatRequest };
