/** JSON text ↔ the objects Gemini carries function arguments and results in. */
import { obj, parseJson } from "../shared/json.ts";

/** The JSON object the text holds, or undefined when it holds anything else. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  return obj(parseJson(text));
}

/** Function-call arguments; malformed arguments (a model's broken output carried over) become `{}`. */
export function toolArgs(args: string): Record<string, unknown> {
  return parseObject(args) ?? {};
}
