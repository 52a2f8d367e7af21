/**
 * What a provider's error body says, whatever its shape. Seen in the wild:
 * `{"error":{"message","type","code","param"}}` (OpenAI, Azure, most
 * OpenAI-compatible servers), `{"error":"text"}` (Ollama),
 * `{"message","type","code"}` at the top level (Mistral),
 * `{"detail":"text" | [{msg}]}` (FastAPI servers, Mistral validation), a
 * one-element array of any of these, or plain text.
 */
import { arr, isObject, obj, parseJson, str, type JsonObject } from "./json.ts";

export interface ErrorDetail {
  message: string;
  /** The provider's code, or its type when it gives no code. */
  code?: string;
  type?: string;
}

export function readErrorBody(body: string): ErrorDetail {
  const parsed = parseJson(body);
  const root = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isObject(root)) return { message: body.trim().slice(0, 2000) || "(empty error body)" };
  return fromObject(root) ?? { message: body.trim().slice(0, 2000) };
}

/** Reads the `{message, type, code}` triple of an already parsed error object (in-stream errors). */
export function readErrorObject(error: unknown): ErrorDetail | undefined {
  if (typeof error === "string") return { message: error };
  const e = obj(error);
  if (!e) return undefined;
  const message = str(e.message) ?? JSON.stringify(e);
  const type = str(e.type);
  const code = codeText(e.code) ?? type;
  return { message, ...(code !== undefined ? { code } : {}), ...(type !== undefined ? { type } : {}) };
}

function fromObject(root: JsonObject): ErrorDetail | undefined {
  if ("error" in root) return readErrorObject(root.error);
  if (typeof root.message === "string") return readErrorObject(root);
  if (typeof root.detail === "string") return { message: root.detail };
  const details = arr(root.detail).map((d) => str(obj(d)?.msg)).filter((m): m is string => m !== undefined);
  if (details.length > 0) return { message: details.join("; ") };
  return undefined;
}

function codeText(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}
