/** OpenAI's error body `{error:{message,type,param,code}}`, typed by status the way OpenAI's API types them. */
import { jsonResponse } from "../shared/status.ts";

export function openAIErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "requests";
  if (status === 500) return "api_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

export function openAIErrorObject(status: number, code: string, message: string, param?: string): { message: string; type: string; param: string | null; code: string } {
  return { message, type: openAIErrorType(status), param: param ?? null, code };
}

export function renderOpenAIError(status: number, code: string, message: string, param?: string): Response {
  return jsonResponse(status, { error: openAIErrorObject(status, code, message, param) });
}
