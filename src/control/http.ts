/**
 * JSON in and out for the admin API. Every response is JSON and every error
 * carries a stable code; nothing here ever echoes a stack trace.
 */
import { WaygateError, errorResponse } from "../core/errors.ts";

/** Admin bodies are small documents; anything larger is a mistake or an attack. */
export const MAX_ADMIN_BODY_BYTES = 8 * 1024 * 1024;

const BASE_HEADERS = { "content-type": "application/json", "cache-control": "no-store" } as const;

export function json(body: unknown, status = 200, requestId?: string): Response {
  const headers: Record<string, string> = { ...BASE_HEADERS };
  if (requestId) headers["x-request-id"] = requestId;
  return new Response(JSON.stringify(body), { status, headers });
}

export function fail(err: WaygateError, requestId?: string, extraHeaders?: Record<string, string>): Response {
  return errorResponse(err, requestId, { "cache-control": "no-store", ...extraHeaders });
}

function isJsonMediaType(contentType: string | null, allowMergePatch: boolean): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "application/json") return true;
  if (allowMergePatch && mediaType === "application/merge-patch+json") return true;
  return false;
}

/**
 * Reads a JSON request body. Wrong media type → 415, oversized → 413,
 * unparsable → 400 bad_request. Shape validation is the caller's job.
 */
export async function readJson(req: Request, opts: { allowMergePatch?: boolean } = {}): Promise<unknown> {
  if (!isJsonMediaType(req.headers.get("content-type"), opts.allowMergePatch ?? false)) {
    const accepted = opts.allowMergePatch ? "application/json or application/merge-patch+json" : "application/json";
    throw new WaygateError("unsupported_media_type", `request body must be sent as ${accepted}`);
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_ADMIN_BODY_BYTES) throw tooLarge();
  const text = await req.text();
  if (text.length > MAX_ADMIN_BODY_BYTES) throw tooLarge();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WaygateError("bad_request", "request body is not valid JSON");
  }
}

function tooLarge(): WaygateError {
  return new WaygateError("payload_too_large", `request body exceeds ${MAX_ADMIN_BODY_BYTES} bytes`);
}
