/**
 * Structured output: the model's text read as JSON and checked against the
 * prompt API's output schema, and the one repair request sent when it does
 * not pass — the conversation so far, the invalid answer, and what was wrong
 * with it.
 */
import type { ChatRequest } from "../ai/types.ts";
import type { FieldIssue } from "../core/errors.ts";
import { type JsonSchemaDoc, validateJson } from "./json-schema.ts";

export type CheckedOutput = { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] };

/** A fenced block (```json … ```) is read for its content: models add fences even when asked for bare JSON. */
export function checkOutput(schema: JsonSchemaDoc, text: string): CheckedOutput {
  const trimmed = text.trim();
  const fenced = /^```[A-Za-z0-9_-]*\s*\n([\s\S]*?)\n?```$/.exec(trimmed);
  let value: unknown;
  try {
    value = JSON.parse(fenced?.[1] ?? trimmed);
  } catch (err) {
    return { ok: false, issues: [{ path: "output", message: `is not valid JSON (${err instanceof Error ? err.message : String(err)})` }] };
  }
  const issues = validateJson(schema, value, "output");
  return issues.length === 0 ? { ok: true, value } : { ok: false, issues };
}

const MAX_LISTED_ISSUES = 20;

export function repairRequest(request: ChatRequest, invalid: string, issues: readonly FieldIssue[]): ChatRequest {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `- ${i.path}: ${i.message}`);
  const instruction =
    "Your previous answer does not match the required JSON schema:\n" +
    listed.join("\n") +
    "\nReply with only the corrected JSON document, nothing else.";
  return {
    ...request,
    stream: false,
    messages: [
      ...request.messages,
      { role: "assistant", content: [{ type: "text", text: invalid }] },
      { role: "user", content: [{ type: "text", text: instruction }] },
    ],
  };
}
