/**
 * Output limits the simulated Anthropic, Gemini and Bedrock models honour on
 * text answers, so the gateway's finish-reason mapping can be exercised:
 * a stop sequence found in the reply cuts it there (the sequence itself is
 * not returned, as the providers do); then the shared max-token cut applies.
 */
import { limitReply } from "../../common/reply.ts";

export type TextLimitOutcome =
  | { text: string; stop: "end" }
  | { text: string; stop: "stop_sequence"; sequence: string }
  | { text: string; stop: "max_tokens" };

export function applyTextLimits(text: string, maxTokens: number | undefined, stops: readonly string[] = []): TextLimitOutcome {
  let cut: { at: number; sequence: string } | undefined;
  for (const sequence of stops) {
    if (sequence === "") continue;
    const at = text.indexOf(sequence);
    if (at >= 0 && (cut === undefined || at < cut.at)) cut = { at, sequence };
  }
  const limited = limitReply({ kind: "text", text: cut ? text.slice(0, cut.at) : text }, maxTokens);
  const out = limited.reply.kind === "text" ? limited.reply.text : "";
  if (limited.truncated) return { text: out, stop: "max_tokens" };
  return cut ? { text: out, stop: "stop_sequence", sequence: cut.sequence } : { text: out, stop: "end" };
}
