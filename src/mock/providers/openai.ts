/**
 * Simulated OpenAI, mounted at `/openai` (base URL `<mock>/openai/v1`):
 * chat completions, embeddings, models, responses. Auth: `Authorization:
 * Bearer <key>`; keys containing "invalid" are rejected with 401.
 */
import { asString, bearerToken, isRejectedKey, readJsonObject } from "../common/http.ts";
import { prefixedId } from "../common/ids.ts";
import type { MockControl, MockProviderHandler } from "../types.ts";
import { handleChat } from "./openai/chat-handler.ts";
import { handleEmbeddings } from "./openai/embeddings.ts";
import { badRequest, faultError, invalidKey, missingKey, notFound } from "./openai/errors.ts";
import { type ChatFlavor, openaiUsage } from "./openai/flavor.ts";
import { getModel, listModels } from "./openai/models.ts";
import { handleResponses } from "./openai/responses-handler.ts";

const NAME = "openai";

export const openaiFlavor: ChatFlavor = {
  completionId: () => prefixedId("chatcmpl-", 29),
  toolCallId: () => prefixedId("call_", 24),
  usage: openaiUsage,
  streamUsage: "include_usage",
  wholeToolCalls: false,
  openaiExtras: true,
  filterResults: false,
  faultError,
};

async function handle(req: Request, path: string, ctl: MockControl): Promise<Response> {
  const key = bearerToken(req);
  if (!key) return missingKey();
  if (isRejectedKey(key)) return invalidKey(key);
  if (req.method === "GET" && path === "/v1/models") return listModels();
  if (req.method === "GET" && path.startsWith("/v1/models/")) return getModel(decodeURIComponent(path.slice("/v1/models/".length)));
  const route = ["/v1/chat/completions", "/v1/embeddings", "/v1/responses"].find((p) => p === path);
  if (!route || req.method !== "POST") return notFound(`${req.method} ${path}`);
  const body = await readJsonObject(req);
  if (!body) return badRequest("We could not parse the JSON body of your request.");
  const model = asString(body.model);
  if (!model) return badRequest("you must provide a model parameter", "model");
  if (route === "/v1/chat/completions") return handleChat({ req, body, ctl, provider: NAME, model, flavor: openaiFlavor });
  if (route === "/v1/embeddings") return handleEmbeddings({ req, body, ctl, provider: NAME, model, faultError });
  return handleResponses(req, body, ctl, NAME, model);
}

export const handler: MockProviderHandler = { prefix: "/openai", name: NAME, handle };
