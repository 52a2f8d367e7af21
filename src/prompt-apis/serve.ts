/**
 * Answers a call of a prompt API: `POST <route prefix><path>` with the
 * variables as a JSON object. The route's policies (authentication,
 * subscription, limits) have run already; here the variables are checked
 * against the input schema, the templates rendered, and the ChatRequest run
 * through the same resolve → plan → execute steps and AI policy hooks as a
 * chat completion. Errors use Waygate's `{error:{code,message,details}}`.
 */
import { reportConsumed, runChat, streamChat } from "../ai/endpoints/chat-run.ts";
import { chatRequestHooks, chatResponseHooks } from "../ai/endpoints/policy-hooks.ts";
import { readJson } from "../ai/endpoints/read-json.ts";
import type { AiRuntime } from "../ai/runtime/ai-runtime.ts";
import type { ChatRequest, Usage } from "../ai/types.ts";
import { type ErrorCode, type FieldIssue, WaygateError, errorResponse } from "../core/errors.ts";
import type { RequestContext } from "../gateway/context.ts";
import type { ProxyHooks } from "../gateway/proxy.ts";
import { type AiCallFields, emptyAiFields } from "../telemetry/call-record.ts";
import { addUsage, promptAnswer } from "./answer.ts";
import { buildChatRequest } from "./chat-request.ts";
import type { CompiledPromptApi } from "./compiled.ts";
import { validateJson } from "./json-schema.ts";
import { checkOutput, repairRequest } from "./output.ts";
import { PromptStreamEncoder } from "./stream-events.ts";

export interface PromptCallInput {
  ctx: RequestContext;
  ai: AiRuntime;
  hooks: ProxyHooks;
  prompt: CompiledPromptApi;
  /** The service's team: which virtual models and providers the prompt API may use. */
  teamId: string | undefined;
  bodyLimit: number;
}

type Fail = (status: number, code: ErrorCode, message: string, opts?: { details?: FieldIssue[]; retryAfter?: number; headers?: Record<string, string> }) => Response;

export async function handlePromptApi(input: PromptCallInput): Promise<Response> {
  const { ctx, hooks, prompt } = input;
  const api = prompt.api;
  const fail: Fail = (status, code, message, { headers, ...opts } = {}) => {
    ctx.record.status = status;
    ctx.record.error_code = code;
    const res = errorResponse(new WaygateError(code, message, { status, ...opts }), ctx.requestId, headers);
    hooks.decorate(ctx, res.headers);
    hooks.finish(ctx);
    return res;
  };
  if (ctx.method !== "POST") return fail(405, "method_not_allowed", `prompt API ${api.name} answers POST only`, { headers: { allow: "POST" } });
  const stream = streamChoice(api.stream, ctx);
  if (stream === "refused") return fail(400, "bad_request", `prompt API ${api.name} does not stream; call it without stream=true`);

  const body = await readJson(ctx.req, input.bodyLimit, ctx.body);
  if (!body.ok) return fail(body.status, body.status === 413 ? "payload_too_large" : "bad_request", body.message);
  ctx.record.request_bytes = body.bytes;
  const fields = emptyAiFields("prompt_api", api.model, stream);
  fields.prompt_api = api.name;
  ctx.record.ai = fields;

  const invalid = validateJson(api.input_schema, body.value, "body");
  if (invalid.length > 0) return fail(400, "request_validation_failed", `the variables do not match the input schema of prompt API ${api.name}`, { details: invalid });
  const variables = body.value as Record<string, unknown>;
  const built = buildChatRequest(prompt, variables, stream);
  if (!built.ok) {
    const details = built.missing.map((path) => ({ path: `body.${path}`, message: "is required by the prompt's templates" }));
    return fail(400, "request_validation_failed", `the variables of prompt API ${api.name} lack values its templates use`, { details });
  }
  const call = new PromptCall(input, fields, variables, fail);
  return stream ? call.streamed(built.request) : call.answered(built.request);
}

/** Whether this call streams: the prompt API's mode, and for `optional` the caller's `?stream=true` or `Accept: text/event-stream`. */
function streamChoice(mode: CompiledPromptApi["api"]["stream"], ctx: RequestContext): boolean | "refused" {
  const asked = new URLSearchParams(ctx.query).get("stream");
  if (mode === "on") return true;
  if (mode === "off") return asked === "true" ? "refused" : false;
  if (asked !== null) return asked === "true";
  return (ctx.req.headers.get("accept") ?? "").includes("text/event-stream");
}

class PromptCall {
  constructor(
    private readonly input: PromptCallInput,
    private readonly fields: AiCallFields,
    private readonly variables: Record<string, unknown>,
    private readonly fail: Fail,
  ) {}

  /** One answer as JSON; with an output schema, validated and repaired once if needed. */
  async answered(request: ChatRequest): Promise<Response> {
    const api = this.input.prompt.api;
    const first = await this.complete(request);
    if (first instanceof Response) return first;
    if (!api.output_schema) return this.respond(first.text, first.usage);
    const checked = checkOutput(api.output_schema, first.text);
    if (checked.ok) return this.respond(checked.value, first.usage);

    const before = { ...this.fields };
    const second = await this.complete(repairRequest(request, first.text, checked.issues));
    if (second instanceof Response) return second;
    const usage = addUsage(first.usage, second.usage);
    this.addRecorded(before);
    const repaired = checkOutput(api.output_schema, second.text);
    if (repaired.ok) return this.respond(repaired.value, usage);
    return this.fail(502, "prompt_output_invalid", `the model's answer did not match the output schema of prompt API ${api.name}, even after one repair attempt`, {
      details: repaired.issues,
    });
  }

  /** Server-sent events (see stream-events.ts); no repair, since the client has already seen the text. */
  async streamed(request: ChatRequest): Promise<Response> {
    const { ctx, hooks, prompt } = this.input;
    const checked = this.checkedRequest(request);
    if (checked instanceof Response) return checked;
    const run = await runChat({ ctx, ai: this.input.ai, teamId: this.input.teamId, requested: prompt.api.model, request: checked, fields: this.fields, raw: this.variables });
    if (!run.ok) return this.fail(run.failure.status, run.failure.code, run.failure.message, retryAfter(run.failure.retryAfterSeconds));
    if (!("stream" in run.result.value)) throw new Error("a streamed prompt call got a complete answer");
    const encoder = new PromptStreamEncoder();
    const schema = prompt.api.output_schema;
    ctx.record.status = 200;
    const headers = new Headers({
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-request-id": ctx.requestId,
      "x-waygate-provider": run.result.provider.name,
    });
    hooks.decorate(ctx, headers);
    const body = streamChat({
      ctx,
      hooks,
      run,
      fields: this.fields,
      encoder,
      includeUsage: false,
      ended: (end) => {
        if (end.kind !== "complete") return;
        const usage = run.meter.usage();
        const checkedOutput = schema ? checkOutput(schema, encoder.output) : { ok: true as const, value: encoder.output };
        if (checkedOutput.ok) {
          encoder.conclude({ ok: true, answer: promptAnswer(checkedOutput.value, usage, prompt.api.model) });
          return;
        }
        ctx.record.error_code = "prompt_output_invalid";
        encoder.conclude({
          ok: false,
          code: "prompt_output_invalid",
          message: `the model's answer did not match the output schema of prompt API ${prompt.api.name}`,
          details: checkedOutput.issues,
        });
      },
    });
    return new Response(body, { status: 200, headers });
  }

  /** One non-streamed model call through the AI policy hooks, recorded on the call. */
  private async complete(request: ChatRequest): Promise<{ text: string; usage: Usage } | Response> {
    const { ctx, prompt } = this.input;
    const checked = this.checkedRequest(request);
    if (checked instanceof Response) return checked;
    const run = await runChat({ ctx, ai: this.input.ai, teamId: this.input.teamId, requested: prompt.api.model, request: checked, fields: this.fields, raw: this.variables });
    if (!run.ok) return this.fail(run.failure.status, run.failure.code, run.failure.message, retryAfter(run.failure.retryAfterSeconds));
    if (!("response" in run.result.value)) throw new Error("a complete prompt call got a stream");
    const res = run.result.value.response;
    run.meter.fromResponse(res);
    run.meter.record(this.fields, res.choices[0]?.finishReason ?? null);
    reportConsumed(ctx, run, this.fields);
    const answer = chatResponseHooks(ctx, res);
    if (answer instanceof WaygateError) return this.fail(answer.status, answer.code, answer.message);
    return { text: answer.choices[0]?.message.content ?? "", usage: run.meter.usage() };
  }

  private checkedRequest(request: ChatRequest): ChatRequest | Response {
    const checked = chatRequestHooks(this.input.ctx, request);
    return checked instanceof WaygateError ? this.fail(checked.status, checked.code, checked.message) : checked;
  }

  /** The recorded tokens and cost cover both answers of a repaired call. */
  private addRecorded(first: AiCallFields): void {
    const f = this.fields;
    f.input_tokens += first.input_tokens;
    f.output_tokens += first.output_tokens;
    f.cached_tokens += first.cached_tokens;
    f.reasoning_tokens += first.reasoning_tokens;
    f.tokens_estimated ||= first.tokens_estimated;
    f.cost_usd = f.cost_usd === null || first.cost_usd === null ? null : f.cost_usd + first.cost_usd;
  }

  private respond(output: unknown, usage: Usage): Response {
    const { ctx, hooks, prompt } = this.input;
    const text = JSON.stringify(promptAnswer(output, usage, prompt.api.model));
    ctx.record.status = 200;
    ctx.record.response_bytes = new TextEncoder().encode(text).byteLength;
    const headers = new Headers({ "content-type": "application/json", "x-request-id": ctx.requestId });
    if (this.fields.provider) headers.set("x-waygate-provider", this.fields.provider);
    hooks.decorate(ctx, headers);
    hooks.finish(ctx);
    return new Response(text, { status: 200, headers });
  }
}

function retryAfter(seconds: number | undefined): { retryAfter?: number } {
  return seconds !== undefined ? { retryAfter: seconds } : {};
}
