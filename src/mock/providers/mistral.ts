/**
 * Simulated Mistral, mounted at `/mistral` (server URL `<mock>/mistral`):
 * `/v1/chat/completions` and `/v1/embeddings`. OpenAI-like, with Mistral's
 * differences: 9-character alphanumeric tool call ids, usage always on the
 * last stream chunk, tool calls streamed whole (Mistral never streams
 * argument fragments), no system_fingerprint, and its own error bodies.
 */
import { asString, bearerToken, isRejectedKey, jsonResponse, readJsonObject } from "../common/http.ts";
import { randomAlnum } from "../common/ids.ts";
import type { MockControl, MockFault, MockProviderHandler } from "../types.ts";
import { handleChat } from "./openai/chat-handler.ts";
import { handleEmbeddings } from "./openai/embeddings.ts";
import type { ChatFlavor } from "./openai/flavor.ts";
import type { MockUsage } from "../common/tokens.ts";

const NAME = "mistral";

function mistralError(status: number, message: string, type: string, code: string | null, headers: Record<string, string> = {}): Response {
  return jsonResponse({ object: "error", message, type, param: null, code }, status, headers);
}

function faultError(fault: MockFault | undefined): Response | undefined {
  if (fault?.kind === "context_length") {
    return mistralError(400, "Prompt contains 40960 tokens and 0 draft tokens, too large for model with 32768 maximum context length", "invalid_request_message_error", "3051");
  }
  if (fault?.kind === "content_filter") return mistralError(400, "Content blocked by moderation", "invalid_request_error", "content_filter");
  if (fault?.kind !== "status") return undefined;
  const retry: Record<string, string> = fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
  if (fault.status === 401) return jsonResponse({ message: "Unauthorized", request_id: crypto.randomUUID() }, 401);
  if (fault.status === 429) return jsonResponse({ message: "Requests rate limit exceeded" }, 429, { "retry-after": String(fault.retryAfterSeconds ?? 1) });
  if (fault.status >= 500) return mistralError(fault.status, "Internal server error", "internal_server_error", "1000", retry);
  return mistralError(fault.status, "Invalid request", "invalid_request_error", null, retry);
}

const mistralFlavor: ChatFlavor = {
  completionId: () => crypto.randomUUID().replaceAll("-", ""),
  toolCallId: () => randomAlnum(9),
  usage: (u: MockUsage) => ({ prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.total }),
  streamUsage: "last_chunk",
  wholeToolCalls: true,
  openaiExtras: false,
  filterResults: false,
  faultError,
};

async function handle(req: Request, path: string, ctl: MockControl): Promise<Response> {
  const key = bearerToken(req);
  if (!key || isRejectedKey(key)) return jsonResponse({ message: "Unauthorized", request_id: crypto.randomUUID() }, 401);
  if (req.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/v1/embeddings")) {
    return jsonResponse({ detail: "Not Found" }, 404);
  }
  const body = await readJsonObject(req);
  const model = body ? asString(body.model) : undefined;
  if (!body || !model) {
    return jsonResponse({ object: "error", message: { detail: [{ type: "missing", loc: ["body", "model"], msg: "Field required" }] }, type: "invalid_request_error", param: null, code: null }, 422);
  }
  if (path === "/v1/embeddings") return handleEmbeddings({ req, body, ctl, provider: NAME, model, faultError, mistral: true });
  return handleChat({ req, body, ctl, provider: NAME, model, flavor: mistralFlavor });
}

export const handler: MockProviderHandler = { prefix: "/mistral", name: NAME, handle };
