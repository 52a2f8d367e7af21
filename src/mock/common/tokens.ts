/**
 * Deterministic token counts for every simulated provider, so tests can
 * predict usage: input = ceil(all message text characters / 4) + 4 per
 * message (a system prompt counts as one message), output =
 * ceil(reply characters / 4), cached = 0.
 */
import type { ConversationSummary } from "./conversation.ts";
import { type MockReply, replyChars } from "./reply.ts";

export interface MockUsage {
  input: number;
  output: number;
  total: number;
}

export function countInputTokens(s: ConversationSummary): number {
  const chars = s.messageTexts.reduce((n, t) => n + t.length, 0);
  return Math.ceil(chars / 4) + 4 * (s.messages + (s.system ? 1 : 0));
}

export function countTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function mockUsage(s: ConversationSummary, reply: MockReply): MockUsage {
  const input = countInputTokens(s);
  const output = Math.ceil(replyChars(reply) / 4);
  return { input, output, total: input + output };
}
