/**
 * Entry of AI traffic: a route of a service of kind `ai` hands its requests
 * here, and the path's ending picks the endpoint — so the same service
 * answers `/v1/chat/completions`, `/v1/messages`, … under whatever prefix the
 * route is mounted. A prompt API answers at its own path under that prefix.
 */
import type { RequestContext } from "../gateway/context.ts";
import type { ProxyHooks } from "../gateway/proxy.ts";
import type { CompiledRoute } from "../snapshot/snapshot.ts";
import { anthropicMessages, dialectForPath, openaiChat, openaiResponses } from "./dialects/index.ts";
import { renderModels } from "./dialects/openai-models.ts";
import { handleChat } from "./endpoints/chat.ts";
import { handleEmbeddings } from "./endpoints/embeddings.ts";
import type { AiRuntime } from "./runtime/ai-runtime.ts";
import { handlePromptApi } from "../prompt-apis/serve.ts";

export async function handleAi(ctx: RequestContext, route: CompiledRoute, ai: AiRuntime, hooks: ProxyHooks): Promise<Response> {
  const service = route.service.service;
  const teamId = service.team_id;
  const bodyLimit = service.max_request_body_bytes;
  const path = ctx.path.endsWith("/") ? ctx.path.slice(0, -1) : ctx.path;
  const post = ctx.method === "POST";
  // A prompt API sits at a path of its own under the route's prefix (src/prompt-apis/).
  const prompt = ai.promptApis.match(service.id, ctx.rest.endsWith("/") ? ctx.rest.slice(0, -1) : ctx.rest);
  if (prompt) return handlePromptApi({ ctx, ai, hooks, prompt, teamId, bodyLimit });
  if (post && path.endsWith("/chat/completions")) return handleChat({ ctx, ai, dialect: openaiChat, hooks, teamId, bodyLimit });
  if (post && path.endsWith("/messages")) return handleChat({ ctx, ai, dialect: anthropicMessages, hooks, teamId, bodyLimit });
  if (post && path.endsWith("/responses")) return handleChat({ ctx, ai, dialect: openaiResponses, hooks, teamId, bodyLimit });
  if (post && path.endsWith("/embeddings")) return handleEmbeddings(ctx, ai, openaiChat, hooks, teamId, bodyLimit);
  if (ctx.method === "GET" && path.endsWith("/models")) {
    ctx.record.status = 200;
    const headers = new Headers({ "content-type": "application/json", "x-request-id": ctx.requestId });
    hooks.decorate(ctx, headers);
    hooks.finish(ctx);
    return new Response(JSON.stringify(renderModels(ai.modelNames(teamId))), { status: 200, headers });
  }
  const dialect = dialectForPath(path);
  ctx.record.status = 404;
  ctx.record.error_code = "unsupported_endpoint";
  const res = dialect.renderError(404, "unsupported_endpoint", `${ctx.method} ${ctx.path} is not an endpoint of this AI service`);
  res.headers.set("x-request-id", ctx.requestId);
  hooks.finish(ctx);
  return res;
}
