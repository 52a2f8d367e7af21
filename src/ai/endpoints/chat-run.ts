/**
 * The steps of a chat call every chat-shaped endpoint shares, whatever
 * produced its ChatRequest (a client dialect, a prompt API's templates):
 * resolve the model for the service's team, plan the route, execute with
 * fallback, and — for streams — pump the provider's stream to the client
 * through the policies' stream filters, recording usage, cost and attempts
 * on the call.
 */
import { type ErrorCode, WaygateError } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { ProxyHooks } from "../../gateway/proxy.ts";
import type { AiCallFields } from "../../telemetry/call-record.ts";
import type { StreamEncoder } from "../dialect.ts";
import type { AiRuntime } from "../runtime/ai-runtime.ts";
import { type ChatOutcome, type ExecuteResult, executeChat } from "../runtime/execute.ts";
import { planRoute } from "../runtime/route-plan.ts";
import { pumpStream, type StreamEnd } from "../runtime/stream-pump.ts";
import type { ChatRequest, ChatStreamEvent } from "../types.ts";
import { clientFailure } from "./errors.ts";
import { chatStreamFilter, consumedHooks } from "./policy-hooks.ts";
import { UsageMeter } from "./usage-meter.ts";

export interface ChatRunFailure {
  status: number;
  code: ErrorCode;
  message: string;
  param?: string;
  retryAfterSeconds?: number;
}

export type ChatSuccess = Extract<ExecuteResult<ChatOutcome>, { ok: true }>;

export type ChatRun = { ok: true; result: ChatSuccess; meter: UsageMeter } | { ok: false; failure: ChatRunFailure };

export interface ChatRunInput {
  ctx: RequestContext;
  ai: AiRuntime;
  /** The service's team: which virtual models and providers are visible. */
  teamId: string | undefined;
  /** The model name asked for (a virtual model or `provider/model`). */
  requested: string;
  request: ChatRequest;
  fields: AiCallFields;
  /** The request body as sent, for routing conditions on `param.*` and `metadata.*`. */
  raw: Record<string, unknown>;
}

/** Resolve → plan → execute; the attempts are appended to `fields`, so a second run of one call (a repair) adds to them. */
export async function runChat(input: ChatRunInput): Promise<ChatRun> {
  const { ctx, ai, requested, request, fields, raw } = input;
  const resolved = ai.resolve(requested, input.teamId);
  if (!resolved) return fail(404, "model_not_found", `the model ${requested} does not exist or you do not have access to it`, "model");
  fields.virtual_model = resolved.virtualModel?.name ?? null;
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

  const result = await executeChat(plan, request, ai.executeDeps, (p) => p.provider.timeouts, ctx.req.signal, ctx.trace);
  fields.attempts.push(...result.attempts);
  ctx.record.attempts = fields.attempts.length;
  if (!result.ok) {
    if (result.cancelled) return fail(499, "client_closed_request", "client closed the request");
    const f = clientFailure(result.error);
    return { ok: false, failure: { status: f.status, code: f.code, message: f.message, ...(f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : {}) } };
  }
  fields.provider = result.provider.name;
  fields.model = result.model;
  ctx.record.target = result.provider.name;
  return { ok: true, result, meter: new UsageMeter(ai, result.provider, result.model, result.value.request) };
}

/** Tells the policies what one answer consumed (token limits, budgets); call after meter.record(fields, …). */
export function reportConsumed(ctx: RequestContext, run: Extract<ChatRun, { ok: true }>, fields: AiCallFields): void {
  consumedHooks(ctx, { provider: run.result.provider.name, model: run.result.model, usage: run.meter.usage(), costUsd: fields.cost_usd });
}

export interface ChatStreamInput {
  ctx: RequestContext;
  hooks: ProxyHooks;
  run: Extract<ChatRun, { ok: true }>;
  fields: AiCallFields;
  encoder: StreamEncoder;
  /** The client asked for a usage event (OpenAI's stream_options.include_usage). */
  includeUsage: boolean;
  /** Runs once at the end, after usage and cost are recorded and before the call is handed to the log. */
  ended?(end: StreamEnd): void;
}

/** The provider's started stream as the client's response body. */
export function streamChat(input: ChatStreamInput): ReadableStream<Uint8Array> {
  const { ctx, hooks, run, fields } = input;
  const { result, meter } = run;
  if (!("stream" in result.value)) throw new Error("streamChat needs a started stream");
  let finish: string | null = null;
  const filter = chatStreamFilter(ctx);
  return pumpStream({
    stream: result.value.stream,
    encoder: input.encoder,
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
      const extra = meter.streamEnded(input.includeUsage);
      meter.record(fields, finish);
      reportConsumed(ctx, run, fields);
      input.ended?.(end);
      hooks.finish(ctx);
      return extra;
    },
  });
}

/** A filter's WaygateError as the pump's plain refusal. */
function refusal(out: ChatStreamEvent[] | WaygateError): ChatStreamEvent[] | { code: string; message: string } {
  return out instanceof WaygateError ? { code: out.code, message: out.message } : out;
}

function fail(status: number, code: ErrorCode, message: string, param?: string): ChatRun {
  return { ok: false, failure: { status, code, message, ...(param !== undefined ? { param } : {}) } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
