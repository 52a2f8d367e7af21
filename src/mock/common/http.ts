/** Small HTTP helpers shared by the simulated providers. */

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export type JsonObject = Record<string, unknown>;

/** The request body as a JSON object, or undefined when it is missing or not an object. */
export async function readJsonObject(req: Request): Promise<JsonObject | undefined> {
  try {
    const v: unknown = await req.json();
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The bearer token of an `Authorization: Bearer <token>` header. */
export function bearerToken(req: Request): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "");
  return m?.[1]?.trim();
}

/** Simulated providers reject keys that contain "invalid". */
export function isRejectedKey(key: string): boolean {
  return key.includes("invalid");
}
