/**
 * What a simulated model answers, decided from the neutral summary:
 * - tools given, tool choice not "none", last message a user turn → tool
 *   call(s): the forced tool, else the first; the first two when parallel
 *   calls are allowed, 2+ tools are given and the user text says "parallel";
 * - a `[[mock:reply=<base64url>]]` marker in the last user message → exactly
 *   the decoded text (scripted answers, e.g. invalid JSON for structured
 *   output); with `,sticky` the marker also holds from an earlier message of
 *   the conversation, so the follow-up turn gets the same answer;
 * - a JSON schema output → the minimal document valid for the schema;
 *   a JSON object output → `{"reply": <reply text>}`;
 * - otherwise the reply text (see replyText).
 */
import type { ConversationSummary } from "./conversation.ts";
import { replyText } from "./conversation.ts";
import { minimalArguments, minimalJson } from "./json-schema.ts";

export interface MockToolCallPlan {
  name: string;
  /** JSON text. */
  arguments: string;
}

export type MockReply = { kind: "text"; text: string } | { kind: "tool_calls"; calls: MockToolCallPlan[] };

export function planReply(s: ConversationSummary): MockReply {
  const calls = planToolCalls(s);
  if (calls.length > 0) return { kind: "tool_calls", calls };
  const scripted = scriptedReply(s);
  if (scripted !== undefined) return { kind: "text", text: scripted };
  if (s.output?.kind === "json_schema") return { kind: "text", text: JSON.stringify(minimalJson(s.output.schema)) };
  if (s.output?.kind === "json_object") return { kind: "text", text: JSON.stringify({ reply: replyText(s) }) };
  return { kind: "text", text: replyText(s) };
}

const REPLY_MARKER = /\[\[mock:reply=([A-Za-z0-9_-]*)(,sticky)?\]\]/g;

function scriptedReply(s: ConversationSummary): string | undefined {
  const decode = (m: RegExpMatchArray) => Buffer.from(m[1] ?? "", "base64url").toString("utf8");
  const own = [...s.lastUserText.matchAll(REPLY_MARKER)][0];
  if (own) return decode(own);
  const sticky = s.messageTexts.flatMap((t) => [...t.matchAll(REPLY_MARKER)]).find((m) => m[2] !== undefined);
  return sticky ? decode(sticky) : undefined;
}

function planToolCalls(s: ConversationSummary): MockToolCallPlan[] {
  if (s.tools.length === 0 || s.toolChoice === "none" || !s.lastIsUser) return [];
  const choice = s.toolChoice;
  if (typeof choice === "object") {
    const forced = s.tools.find((t) => t.name === choice.name);
    return forced ? [{ name: forced.name, arguments: minimalArguments(forced.parameters) }] : [];
  }
  const parallel = s.parallelToolCalls && s.tools.length >= 2 && s.lastUserText.includes("parallel");
  return s.tools.slice(0, parallel ? 2 : 1).map((t) => ({ name: t.name, arguments: minimalArguments(t.parameters) }));
}

/** The characters an answer "generated", for output token counts. */
export function replyChars(reply: MockReply): number {
  if (reply.kind === "text") return reply.text.length;
  return reply.calls.reduce((n, c) => n + c.name.length + c.arguments.length, 0);
}

/**
 * Honors a max-tokens limit the way models do: the text is cut at
 * `maxTokens * 4` characters and the answer ends for length. Tool calls
 * are never cut.
 */
export function limitReply(reply: MockReply, maxTokens: number | undefined): { reply: MockReply; truncated: boolean } {
  if (reply.kind !== "text" || maxTokens === undefined || reply.text.length <= maxTokens * 4) return { reply, truncated: false };
  return { reply: { kind: "text", text: reply.text.slice(0, Math.max(0, maxTokens * 4)) }, truncated: true };
}
