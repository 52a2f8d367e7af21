/** Reads a JSON request body under a size limit, without trusting Content-Length alone. */
export type JsonBody = { ok: true; value: unknown; bytes: number } | { ok: false; status: 400 | 413; message: string };

export async function readJson(req: Request, limit: number, buffered?: Uint8Array): Promise<JsonBody> {
  const declared = buffered !== undefined ? buffered.byteLength : Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) return { ok: false, status: 413, message: `request body exceeds the limit of ${limit} bytes` };
  // A policy may already have read the body (validation, masking); then those bytes are the body.
  const buf = buffered ?? new Uint8Array(await req.arrayBuffer());
  if (buf.byteLength > limit) return { ok: false, status: 413, message: `request body exceeds the limit of ${limit} bytes` };
  if (buf.byteLength === 0) return { ok: false, status: 400, message: "the request body must be a JSON object" };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(buf)), bytes: buf.byteLength };
  } catch {
    return { ok: false, status: 400, message: "the request body is not valid JSON" };
  }
}
