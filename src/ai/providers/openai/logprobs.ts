/** OpenAI choice `logprobs.content` → unified TokenLogprob list. */
import type { TokenLogprob } from "../../types.ts";
import { arr, num, obj, str } from "../shared/json.ts";

type Alternative = NonNullable<TokenLogprob["topLogprobs"]>[number];

export function parseOpenAiLogprobs(value: unknown): TokenLogprob[] | undefined {
  const content = obj(value)?.content;
  if (!Array.isArray(content)) return undefined;
  return content.flatMap((entry) => {
    const base = alternative(entry);
    if (!base) return [];
    const out: TokenLogprob = base;
    const top = obj(entry)?.top_logprobs;
    if (Array.isArray(top)) out.topLogprobs = top.flatMap((t) => alternative(t) ?? []);
    return [out];
  });
}

function alternative(value: unknown): Alternative | undefined {
  const e = obj(value);
  const token = str(e?.token);
  const logprob = num(e?.logprob);
  if (!e || token === undefined || logprob === undefined) return undefined;
  const out: Alternative = { token, logprob };
  if (e.bytes === null) out.bytes = null;
  else if (Array.isArray(e.bytes)) out.bytes = arr(e.bytes).flatMap((b) => num(b) ?? []);
  return out;
}
