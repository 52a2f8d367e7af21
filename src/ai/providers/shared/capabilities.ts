/**
 * What an adapter does with a request its provider cannot serve. Losing
 * images, tools or extra choices would silently change the answer, so those
 * are refused with a clear error (the router can then pick another
 * provider); logprobs and seed are hints and are dropped.
 */
import { WaygateError } from "../../../core/errors.ts";
import type { AdapterCapabilities } from "../../provider.ts";
import type { ChatRequest } from "../../types.ts";

export function hasImages(req: ChatRequest): boolean {
  return req.messages.some((m) => m.content.some((p) => p.type === "image"));
}

/** Throws `bad_request` when `req` needs something `caps` lacks. */
export function assertSupported(req: ChatRequest, caps: AdapterCapabilities, provider: string): void {
  if (!caps.images && hasImages(req)) {
    throw new WaygateError("bad_request", `${provider} does not accept images; remove the image parts or route to a provider that does`);
  }
  if (!caps.tools && (req.tools?.length ?? 0) > 0) {
    throw new WaygateError("bad_request", `${provider} does not support tools`);
  }
  if (!caps.n && (req.n ?? 1) > 1) {
    throw new WaygateError("bad_request", `${provider} returns one choice per request; n must be 1`);
  }
  if (!caps.jsonSchema && req.responseFormat?.type === "json_schema") {
    throw new WaygateError("bad_request", `${provider} does not support response_format json_schema`);
  }
}
