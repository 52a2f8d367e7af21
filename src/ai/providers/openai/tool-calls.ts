/** Tool calls in an OpenAI-shaped response message. */
import type { ToolCall } from "../../types.ts";
import { arr, obj, str } from "../shared/json.ts";
import { generateId } from "../shared/ids.ts";

export function parseToolCalls(value: unknown): ToolCall[] {
  return arr(value).flatMap((v) => {
    const call = obj(v);
    const fn = obj(call?.function);
    const name = str(fn?.name);
    if (!call || !fn || name === undefined) return [];
    return [{ id: str(call.id) || generateId("call_"), name, arguments: argumentsText(fn.arguments) }];
  });
}

/** Arguments are JSON text; a few compatible servers send the object itself. */
export function argumentsText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return JSON.stringify(value);
}
