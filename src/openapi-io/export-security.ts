/**
 * The security schemes of an exported document, from the service's auth
 * mode and credential locations: an API key in a header or query parameter
 * is an `apiKey` scheme, `Authorization: Bearer` an `http` bearer scheme
 * (with bearerFormat JWT for tokens). Any one scheme is enough, as at the
 * gateway, so each is its own security requirement.
 */
import type { Service } from "../config/entities.ts";
import type { JsonObject } from "./spec.ts";

export interface ExportedSecurity {
  schemes: Record<string, JsonObject>;
  requirements: Array<Record<string, string[]>>;
}

type Location = Service["auth"]["locations"][number];

function schemeFor(location: Location, credential: "api_key" | "jwt"): [string, JsonObject] {
  const what = credential === "jwt" ? "a JWT of a subscribed application" : "an API key of a subscribed application";
  if (location === "bearer") {
    return credential === "jwt"
      ? ["bearer_jwt", { type: "http", scheme: "bearer", bearerFormat: "JWT", description: what }]
      : ["bearer_api_key", { type: "http", scheme: "bearer", description: what }];
  }
  if ("header" in location) return [`${credential}_header_${location.header.toLowerCase()}`, { type: "apiKey", in: "header", name: location.header, description: what }];
  return [`${credential}_query_${location.query}`, { type: "apiKey", in: "query", name: location.query, description: what }];
}

export function exportedSecurity(service: Service): ExportedSecurity | null {
  const mode = service.auth?.mode ?? "none";
  if (mode === "none") return null;
  const kinds: Array<"api_key" | "jwt"> = mode === "key_auth" ? ["api_key"] : mode === "jwt" ? ["jwt"] : ["api_key", "jwt"];
  const schemes: Record<string, JsonObject> = {};
  for (const kind of kinds) {
    for (const location of service.auth.locations) {
      const [name, scheme] = schemeFor(location, kind);
      schemes[name] = scheme;
    }
  }
  return { schemes, requirements: Object.keys(schemes).map((name) => ({ [name]: [] })) };
}
