/** `POST /v1/embeddings`: the same model resolution, planning and fallback as chat, without streams. */
import type { RequestContext } from "../../gateway/context.ts";
import type { ProxyHooks } from "../../gateway/proxy.ts";
import type { ClientDialect } from "../dialect.ts";
import { parseEmbeddings, renderEmbeddings } from "../dialects/openai-embeddings.ts";
import { emptyAiFields } from "../../telemetry/call-record.ts";
import type { AiRuntime } from "../runtime/ai-runtime.ts";
import { executePlan } from "../runtime/execute.ts";
import { readJsonAnswer, sendHttp } from "../runtime/send-http.ts";
import { planRoute } from "../runtime/route-plan.ts";
import type { EmbeddingsRequest, EmbeddingsResponse } from "../types.ts";
import { clientFailure, failCall } from "./errors.ts";
import { WaygateError } from "../../core/errors.ts";
import { consumedHooks, embeddingsRequestHooks } from "./policy-hooks.ts";
import { readJson } from "./read-json.ts";

export async function handleEmbeddings(
  ctx: RequestContext,
  ai: AiRuntime,
  errors: ClientDialect,
  hooks: ProxyHooks,
  teamId: string | undefined,
  bodyLimit: number,
): Promise<Response> {
  const fail = failCall(ctx, hooks, errors);
  const body = await readJson(ctx.req, bodyLimit, ctx.body);
  if (!body.ok) return fail(body.status, body.status === 413 ? "payload_too_large" : "bad_request", body.message);
  const parsed = parseEmbeddings(body.value);
  if (!parsed.ok) return fail(400, "bad_request", parsed.error.message, parsed.error.param);
  const fields = emptyAiFields("embeddings", parsed.request.model, false);
  ctx.record.ai = fields;
  const checked = embeddingsRequestHooks(ctx, parsed.request);
  if (checked instanceof WaygateError) return fail(checked.status, checked.code, checked.message);
  const request = checked;
  const resolved = ai.resolve(request.model, teamId);
  if (!resolved) return fail(404, "model_not_found", `the model ${request.model} does not exist or you do not have access to it`, "model");
  fields.virtual_model = resolved.virtualModel?.name ?? null;
  const plan = planRoute(resolved.route, {
    random: Math.random,
    condition: { header: (n) => ctx.req.headers.get(n), metadata: {}, params: body.value as Record<string, unknown>, appName: ctx.applicationName, promptTokens: () => 0 },
    latencyOf: (n) => ai.latency.get(n.provider, n.model),
    costOf: (n) => ai.pricePerMTok(n.provider, n.model),
  });
  const result = await executePlan<EmbeddingsResponse>(plan, ai.executeDeps, (p) => p.provider.timeouts, ctx.req.signal, async (provider, target, leaf, timeouts) => {
    const adapter = provider.adapter;
    if (!adapter.embeddingsRequest || !adapter.embeddingsResponse) {
      provider.pool.report(target, { kind: "cancelled", durationMs: 0 });
      return { ok: false, error: { kind: "invalid_request", status: 400, message: `provider ${provider.name} does not offer embeddings` } };
    }
    const req: EmbeddingsRequest = { ...request, model: leaf.node.model };
    const embeddingsRequest = adapter.embeddingsRequest.bind(adapter);
    const embeddingsResponse = adapter.embeddingsResponse.bind(adapter);
    const answer = await sendHttp(provider, target, () => embeddingsRequest(req, provider.endpoint(req.model), provider.credential(target)), timeouts, ctx.req.signal, ctx.trace);
    if (!answer.ok) return answer;
    return readJsonAnswer(provider, target, answer, (body) => embeddingsResponse(body, req));
  });
  fields.attempts = result.attempts;
  ctx.record.attempts = result.attempts.length;
  if (!result.ok) {
    if (result.cancelled) return fail(499, "client_closed_request", "client closed the request");
    const f = clientFailure(result.error);
    return fail(f.status, f.code, f.message, undefined, f.retryAfterSeconds);
  }
  const usage = result.value.usage;
  fields.provider = result.provider.name;
  fields.model = result.model;
  fields.input_tokens = usage.inputTokens;
  fields.tokens_estimated = usage.estimated === true;
  fields.cost_usd = ai.cost(result.provider, result.model, { inputTokens: usage.inputTokens, outputTokens: 0 });
  consumedHooks(ctx, { provider: result.provider.name, model: result.model, usage: { inputTokens: usage.inputTokens, outputTokens: 0, ...(usage.estimated ? { estimated: true } : {}) }, costUsd: fields.cost_usd });
  ctx.record.status = 200;
  const out = JSON.stringify(renderEmbeddings(result.value, request.model, request.encodingFormat ?? "float"));
  ctx.record.response_bytes = out.length;
  const headers = new Headers({ "content-type": "application/json", "x-request-id": ctx.requestId, "x-waygate-provider": result.provider.name });
  hooks.decorate(ctx, headers);
  hooks.finish(ctx);
  return new Response(out, { status: 200, headers });
}
