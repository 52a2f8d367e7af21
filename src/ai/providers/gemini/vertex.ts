/**
 * Vertex AI requests for Google's models:
 * `{base}/v1/projects/{project}/locations/{region}/publishers/google/models/{model}:{method}`
 * with an OAuth access token as Bearer. Chat bodies and answers are the
 * Gemini API's. The host follows the region — `{region}-aiplatform.googleapis.com`,
 * or `aiplatform.googleapis.com` for the global location — unless base_url
 * points somewhere else (a proxy, the simulator). Region defaults to
 * us-central1, where every Vertex model is served.
 *
 * Embeddings use the documented `:predict` shape (instances/predictions),
 * which, unlike the Gemini API, reports token counts.
 */
import { WaygateError } from "../../../core/errors.ts";
import type { HttpRequest, ProviderCredential, ProviderEndpoint } from "../../provider.ts";
import type { ChatRequest, EmbeddingsRequest, EmbeddingsResponse } from "../../types.ts";
import { assertSupported } from "../shared/capabilities.ts";
import { baseUrlOf, bearerAuth, jsonHeaders } from "../shared/http.ts";
import { arr, num, obj } from "../shared/json.ts";
import { geminiBody, modelId } from "./body.ts";
import { estimatedTokens, taskType } from "./embeddings.ts";
import { GEMINI_CAPABILITIES } from "./fields.ts";
import { chatMethod } from "./request.ts";

export const VERTEX_DEFAULT_BASE_URL = "https://aiplatform.googleapis.com";
export const VERTEX_DEFAULT_REGION = "us-central1";

const GOOGLE_HOST = /^https:\/\/(?:[a-z0-9-]+-)?aiplatform\.googleapis\.com$/;

export function vertexBaseUrl(endpoint: ProviderEndpoint, region: string): string {
  const base = baseUrlOf(endpoint, "vertex");
  if (!GOOGLE_HOST.test(base)) return base;
  return region === "global" ? VERTEX_DEFAULT_BASE_URL : `https://${region}-aiplatform.googleapis.com`;
}

function vertexModelUrl(endpoint: ProviderEndpoint, model: string, method: string): string {
  if (!endpoint.project) throw new WaygateError("config_invalid", "vertex providers need a project");
  const region = endpoint.region ?? VERTEX_DEFAULT_REGION;
  const version = endpoint.apiVersion ?? "v1";
  const path = `projects/${encodeURIComponent(endpoint.project)}/locations/${encodeURIComponent(region)}/publishers/google/models/${encodeURIComponent(modelId(model))}`;
  return `${vertexBaseUrl(endpoint, region)}/${version}/${path}:${method}`;
}

export async function vertexChatRequest(req: ChatRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest> {
  assertSupported(req, GEMINI_CAPABILITIES, "vertex");
  return {
    url: vertexModelUrl(endpoint, req.model, chatMethod(req.stream)),
    method: "POST",
    headers: jsonHeaders(bearerAuth(credential, "vertex"), endpoint, req.stream),
    body: JSON.stringify(geminiBody(req)),
  };
}

export async function vertexEmbeddingsRequest(req: EmbeddingsRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest> {
  const task = taskType(req);
  const body = {
    instances: req.input.map((content) => (task !== undefined ? { content, task_type: task } : { content })),
    ...(req.dimensions !== undefined ? { parameters: { outputDimensionality: req.dimensions } } : {}),
  };
  return {
    url: vertexModelUrl(endpoint, req.model, "predict"),
    method: "POST",
    headers: jsonHeaders(bearerAuth(credential, "vertex"), endpoint, false),
    body: JSON.stringify(body),
  };
}

export function vertexEmbeddingsResponse(body: unknown, req: EmbeddingsRequest): EmbeddingsResponse {
  const predictions = arr(obj(body)?.predictions).map((p) => obj(obj(p)?.embeddings) ?? {});
  if (predictions.length !== req.input.length) {
    throw new WaygateError("provider_error", `vertex returned ${predictions.length} embeddings for ${req.input.length} inputs`);
  }
  const counts = predictions.map((e) => num(obj(e.statistics)?.token_count));
  const reported = counts.every((c) => c !== undefined);
  return {
    model: req.model,
    embeddings: predictions.map((e) => arr(e.values).map((x) => num(x) ?? 0)),
    usage: reported ? { inputTokens: counts.reduce<number>((n, c) => n + (c ?? 0), 0) } : { inputTokens: estimatedTokens(req.input), estimated: true },
  };
}
