/** Small helpers for building provider HTTP requests. */
import { WaygateError } from "../../../core/errors.ts";
import type { ProviderCredential, ProviderEndpoint } from "../../provider.ts";

/** The base URL without trailing slashes; a configuration error when empty. */
export function baseUrlOf(endpoint: ProviderEndpoint, provider: string): string {
  const base = endpoint.baseUrl.replace(/\/+$/, "");
  if (base === "") throw new WaygateError("config_invalid", `${provider} providers need a base_url`);
  return base;
}

/** `Authorization: Bearer <key>` for an API key; nothing for credential kind none. */
export function bearerAuth(credential: ProviderCredential, provider: string): Record<string, string> {
  if (credential.kind === "api_key") return { authorization: `Bearer ${credential.key}` };
  if (credential.kind === "none") return {};
  throw new WaygateError("config_invalid", `${provider} providers take an API key, not AWS credentials`);
}

/** Headers for a JSON POST: content type, then auth, then the endpoint's extra headers (which win). */
export function jsonHeaders(auth: Record<string, string>, endpoint: ProviderEndpoint, stream: boolean): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
    ...auth,
    ...endpoint.headers,
  };
}
