/** Reads one Gemini candidate's parts: answer text and function calls (thought summaries are skipped). */
import type { ToolCall } from "../../types.ts";
import { generateId } from "../shared/ids.ts";
import { arr, obj, str, type JsonObject } from "../shared/json.ts";

export interface CandidateParts {
  text: string[];
  calls: ToolCall[];
}

export function candidateParts(candidate: JsonObject): CandidateParts {
  const out: CandidateParts = { text: [], calls: [] };
  for (const item of arr(obj(candidate.content)?.parts)) {
    const part = obj(item);
    if (!part || part.thought === true) continue;
    const text = str(part.text);
    if (text !== undefined) out.text.push(text);
    const call = obj(part.functionCall);
    if (call) {
      out.calls.push({
        id: str(call.id) ?? generateId("call_"),
        name: str(call.name) ?? "",
        arguments: JSON.stringify(call.args ?? {}),
      });
    }
  }
  return out;
}
