/**
 * Simulated Google Gemini API and Vertex AI:
 * - Gemini API (key in `x-goog-api-key` or `?key=`):
 *   `POST /v1beta/models/{model}:generateContent | :streamGenerateContent |
 *   :countTokens | :embedContent | :batchEmbedContents`, `GET /v1beta/models`
 *   (v1 and v1alpha too);
 * - Vertex AI (Bearer token): `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent |
 *   :streamGenerateContent | :countTokens | :embedContent | :predict` (v1beta1 too).
 * Streams are SSE with `?alt=sse`, else a streamed JSON array, as Google does.
 */
import { sseEvent } from "../../ai/sse/writer.ts";
import { selectFault } from "../common/faults.ts";
import { bearerToken, isRejectedKey, jsonResponse, type JsonObject, readJsonObject } from "../common/http.ts";
import { streamResponse } from "../common/stream.ts";
import { countInputTokens } from "../common/tokens.ts";
import { applyTransportFault, streamTiming } from "../common/transport.ts";
import type { MockControl, MockFault, MockProviderHandler } from "../types.ts";
import { geminiAnswer, responseBody, responseChunks } from "./gemini/answer.ts";
import { type EmbedMethod, embedInputs, embedResponse } from "./gemini/embed.ts";
import { apiKeyInvalid, errorObject, GeminiInvalid, googleError, googleStatusError } from "./gemini/errors.ts";
import { type GeminiRequest, parseGeminiRequest } from "./gemini/summary.ts";

const NAME = "gemini";
const CONTEXT_WINDOW = 1_048_576;
const GEMINI_ROUTE = /^\/(?:v1|v1beta|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/;
const VERTEX_ROUTE = /^\/(?:v1|v1beta1)\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;
const MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-embedding-001"];

interface Call {
  req: Request;
  ctl: MockControl;
  model: string;
  method: string;
  vertex: boolean;
}

function authenticate(req: Request, vertex: boolean): Response | undefined {
  if (vertex) {
    const token = bearerToken(req);
    if (token === undefined || isRejectedKey(token)) return googleError(401);
    return undefined;
  }
  const key = req.headers.get("x-goog-api-key") || new URL(req.url).searchParams.get("key");
  if (!key) {
    return googleError(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  }
  return isRejectedKey(key) ? apiKeyInvalid() : undefined;
}

function guard<T>(fn: () => T): T | Response {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GeminiInvalid) return googleError(400, e.message);
    throw e;
  }
}

function faultError(fault: MockFault | undefined, parsed: GeminiRequest | Response | undefined): Response | undefined {
  if (fault?.kind === "status") return googleStatusError(fault.status, fault.retryAfterSeconds);
  if (fault?.kind === "context_length") {
    const tokens = CONTEXT_WINDOW + (parsed === undefined || parsed instanceof Response ? 1 : countInputTokens(parsed.summary));
    return googleError(400, `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${CONTEXT_WINDOW}).`);
  }
  return undefined;
}

async function generate(c: Call, body: JsonObject | undefined, stream: boolean): Promise<Response> {
  const parsed = body ? guard(() => parseGeminiRequest(body, NAME, c.model)) : googleError(400, "Invalid JSON payload received.");
  const fault = selectFault(c.ctl, NAME, parsed instanceof Response ? "" : parsed.summary.lastUserText);
  const early = await applyTransportFault(fault, c.req);
  if (early) return early;
  const failed = faultError(fault, parsed);
  if (failed) return failed;
  if (parsed instanceof Response) return parsed;

  const answer = geminiAnswer(parsed, fault?.kind === "content_filter", c.vertex);
  if (!stream) return jsonResponse(responseBody(answer));
  const sse = new URL(c.req.url).searchParams.get("alt") === "sse";
  let chunks: unknown[] = responseChunks(answer);
  let timing = streamTiming(fault);
  if (fault?.kind === "midstream" && fault.error === true) {
    chunks = [...chunks.slice(0, fault.afterEvents), errorObject(503)];
    timing = { perEventMs: 0 };
  }
  const events = sse
    ? chunks.map((ch) => sseEvent(JSON.stringify(ch)))
    : [...chunks.map((ch, i) => `${i === 0 ? "[" : ",\r\n"}${JSON.stringify(ch)}`), "]"];
  return streamResponse(events, { ...timing, contentType: sse ? "text/event-stream" : "application/json; charset=UTF-8", signal: c.req.signal });
}

async function embed(c: Call, body: JsonObject | undefined, method: EmbedMethod): Promise<Response> {
  const inputs = body ? guard(() => embedInputs(method, body)) : googleError(400, "Invalid JSON payload received.");
  const fault = selectFault(c.ctl, NAME, inputs instanceof Response ? "" : inputs.join("\n"));
  const early = await applyTransportFault(fault, c.req);
  if (early) return early;
  const failed = faultError(fault, undefined);
  if (failed) return failed;
  if (inputs instanceof Response) return inputs;
  const out = guard(() => embedResponse(method, body ?? {}, inputs, c.vertex));
  return out instanceof Response ? out : jsonResponse(out);
}

function countTokens(c: Call, body: JsonObject | undefined): Response {
  const inner = body && typeof body.generateContentRequest === "object" && body.generateContentRequest !== null ? (body.generateContentRequest as JsonObject) : body;
  const parsed = inner ? guard(() => parseGeminiRequest(inner, NAME, c.model)) : googleError(400, "Invalid JSON payload received.");
  if (parsed instanceof Response) return parsed;
  const total = countInputTokens(parsed.summary);
  return jsonResponse({ totalTokens: total, promptTokensDetails: [{ modality: "TEXT", tokenCount: total }] });
}

async function dispatch(c: Call): Promise<Response> {
  const body = await readJsonObject(c.req);
  switch (c.method) {
    case "generateContent":
      return generate(c, body, false);
    case "streamGenerateContent":
      return generate(c, body, true);
    case "countTokens":
      return countTokens(c, body);
    case "embedContent":
      return embed(c, body, "embedContent");
    case "batchEmbedContents":
      if (!c.vertex) return embed(c, body, "batchEmbedContents");
      break;
    case "predict":
      if (c.vertex) return embed(c, body, "predict");
      break;
  }
  return googleError(404, `Method ${c.method} is not supported for ${c.model}.`);
}

function listModels(): Response {
  const models = MODELS.map((id) => ({
    name: `models/${id}`,
    version: "001",
    displayName: id,
    inputTokenLimit: CONTEXT_WINDOW,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: id.includes("embedding") ? ["embedContent", "batchEmbedContents"] : ["generateContent", "countTokens"],
  }));
  return jsonResponse({ models });
}

export const handler: MockProviderHandler = {
  prefix: "/gemini",
  name: NAME,
  async handle(req: Request, path: string, ctl: MockControl): Promise<Response> {
    if (req.method === "GET" && /^\/(?:v1|v1beta|v1alpha)\/models\/?$/.test(path)) {
      return authenticate(req, false) ?? listModels();
    }
    const vertexMatch = VERTEX_ROUTE.exec(path);
    const match = vertexMatch ?? GEMINI_ROUTE.exec(path);
    if (!match || req.method !== "POST") return googleError(404, `The requested URL ${path} was not found on this server.`);
    const vertex = vertexMatch !== null;
    const denied = authenticate(req, vertex);
    if (denied) return denied;
    let model: string;
    try {
      model = decodeURIComponent(match[1] ?? "");
    } catch {
      return googleError(400, "Invalid model name.");
    }
    return dispatch({ req, ctl, model, method: match[2] ?? "", vertex });
  },
};
