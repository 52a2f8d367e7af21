/**
 * Mistral accepts only tool call ids of nine characters [a-zA-Z0-9]. Ids
 * from other providers (OpenAI's `call_…`, Anthropic's `toolu_…`) are
 * rewritten deterministically so an assistant's call and its tool result,
 * translated separately, still match.
 */
import { alnumId } from "../shared/ids.ts";

const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;

export function mistralToolCallId(id: string): string {
  return MISTRAL_ID.test(id) ? id : alnumId(id, 9);
}
