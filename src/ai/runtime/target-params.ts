/**
 * `params` of a route target force request parameters for that target. They
 * are written with the names of OpenAI's API (what users know, e.g.
 * `max_tokens`) and mapped onto the unified request here; unknown names are
 * ignored rather than smuggled into a provider's body.
 */
import type { ChatRequest } from "../types.ts";

type Setter = (req: ChatRequest, v: unknown) => void;

const num = (f: (r: ChatRequest, n: number) => void): Setter => (r, v) => {
  if (typeof v === "number" && Number.isFinite(v)) f(r, v);
};

const SETTERS: Record<string, Setter> = {
  max_tokens: num((r, n) => (r.maxTokens = n)),
  max_completion_tokens: num((r, n) => (r.maxTokens = n)),
  temperature: num((r, n) => (r.temperature = n)),
  top_p: num((r, n) => (r.topP = n)),
  top_k: num((r, n) => (r.topK = n)),
  seed: num((r, n) => (r.seed = n)),
  presence_penalty: num((r, n) => (r.presencePenalty = n)),
  frequency_penalty: num((r, n) => (r.frequencyPenalty = n)),
  stop: (r, v) => {
    if (typeof v === "string") r.stop = [v];
    else if (Array.isArray(v) && v.every((s) => typeof s === "string")) r.stop = v as string[];
  },
  reasoning_effort: (r, v) => {
    if (v === "minimal" || v === "low" || v === "medium" || v === "high") r.reasoningEffort = v;
  },
};

/** The names `params` accepts (validated when a virtual model is written). */
export const TARGET_PARAM_NAMES = [
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "top_k",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "stop",
  "reasoning_effort",
] as const satisfies ReadonlyArray<keyof typeof SETTERS>;

export function withTargetParams(req: ChatRequest, params: Record<string, unknown> | undefined): ChatRequest {
  if (!params) return req;
  const out: ChatRequest = { ...req };
  for (const [name, value] of Object.entries(params)) SETTERS[name]?.(out, value);
  return out;
}
