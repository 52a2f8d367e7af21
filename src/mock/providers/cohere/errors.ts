/** Cohere's error bodies (`{id, message}`) per status, and per fault. */
import { jsonResponse } from "../../common/http.ts";
import type { MockFault } from "../../types.ts";

export function cohereError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return jsonResponse({ id: crypto.randomUUID(), message }, status, headers);
}

const MESSAGES: Record<number, string> = {
  400: "invalid request",
  401: "invalid api token",
  403: "forbidden",
  404: "model not found",
  429: "You are past the per minute request limit, please wait and try again later.",
  500: "internal server error, this has been reported to our developers",
  503: "service unavailable",
};

export function cohereFaultError(fault: MockFault | undefined): Response | undefined {
  if (fault?.kind === "context_length") {
    return cohereError(400, "too many tokens: size limit exceeded by 4096 tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'.");
  }
  // Cohere has no documented content-filter answer; the simulator refuses with a 400.
  if (fault?.kind === "content_filter") return cohereError(400, "blocked output: please adjust your prompt and try again, as this generation may be a potential violation of our safety guidelines");
  if (fault?.kind !== "status") return undefined;
  const retry = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
  const headers: Record<string, string> = retry !== undefined ? { "retry-after": String(retry) } : {};
  return cohereError(fault.status, MESSAGES[fault.status] ?? `request failed with status ${fault.status}`, headers);
}
