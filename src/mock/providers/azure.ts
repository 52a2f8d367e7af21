/**
 * Simulated Azure OpenAI, mounted at `/azure` (endpoint `<mock>/azure`):
 * `/openai/deployments/{deployment}/chat/completions|embeddings?api-version=…`.
 * Auth: `api-key` header or Bearer token. The reply names the deployment as
 * the model. Content filtering: annotations on every answer, and the
 * content_filter fault is Azure's 400 error with innererror.
 */
import { bearerToken, isRejectedKey, readJsonObject } from "../common/http.ts";
import { randomAlnum } from "../common/ids.ts";
import type { MockControl, MockFault, MockProviderHandler } from "../types.ts";
import { handleChat } from "./openai/chat-handler.ts";
import { contentFilterError } from "./openai/content-filter.ts";
import { handleEmbeddings } from "./openai/embeddings.ts";
import { badRequest, faultError, openaiError } from "./openai/errors.ts";
import { type ChatFlavor, openaiUsage } from "./openai/flavor.ts";

const NAME = "azure";
const ROUTE = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

function azureFaultError(fault: MockFault | undefined): Response | undefined {
  return fault?.kind === "content_filter" ? contentFilterError() : faultError(fault);
}

const azureFlavor: ChatFlavor = {
  completionId: () => `chatcmpl-${randomAlnum(29)}`,
  toolCallId: () => `call_${randomAlnum(24)}`,
  usage: openaiUsage,
  streamUsage: "include_usage",
  wholeToolCalls: false,
  openaiExtras: true,
  filterResults: true,
  faultError: azureFaultError,
};

function unauthorized(): Response {
  return openaiError(401, {
    message: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
    type: null,
    code: "401",
  });
}

async function handle(req: Request, path: string, ctl: MockControl): Promise<Response> {
  const key = req.headers.get("api-key") ?? bearerToken(req);
  if (!key || isRejectedKey(key)) return unauthorized();
  const m = ROUTE.exec(path);
  if (!m || req.method !== "POST") return openaiError(404, { message: "Resource not found", type: null, code: "404" });
  if (!new URL(req.url).searchParams.get("api-version")) {
    return openaiError(400, { message: "Missing API version parameter.", type: null, code: "MissingApiVersionParameter" });
  }
  const deployment = decodeURIComponent(m[1] ?? "");
  const body = await readJsonObject(req);
  if (!body) return badRequest("We could not parse the JSON body of your request.");
  if (m[2] === "embeddings") return handleEmbeddings({ req, body, ctl, provider: NAME, model: deployment, faultError: azureFaultError });
  return handleChat({ req, body, ctl, provider: NAME, model: deployment, flavor: azureFlavor, headers: { "apim-request-id": crypto.randomUUID() } });
}

export const handler: MockProviderHandler = { prefix: "/azure", name: NAME, handle };
