/**
 * OpenAI chat completions request shapes, as documented in the API reference
 * (and in the official SDK's ChatCompletionCreateParams). Only what the
 * gateway sends; responses are read field by field from `unknown`.
 */
import type { JsonSchema } from "../../types.ts";

export interface OaTextPart {
  type: "text";
  text: string;
}

export interface OaImagePart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

export interface OaToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type OaMessage =
  | { role: "system"; content: string | OaTextPart[] }
  | { role: "user"; content: string | Array<OaTextPart | OaImagePart>; name?: string }
  | { role: "assistant"; content: string | OaTextPart[] | null; tool_calls?: OaToolCall[]; refusal?: string }
  | { role: "tool"; tool_call_id: string; content: string | OaTextPart[] };

export interface OaTool {
  type: "function";
  function: { name: string; description?: string; parameters: JsonSchema; strict?: boolean };
}

export type OaToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };

export type OaResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; json_schema: { name: string; schema: JsonSchema; strict?: boolean; description?: string } };
