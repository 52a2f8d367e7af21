/**
 * Model overrides (the model_overrides entity): `provider-kind/model` applies
 * to that kind only, a bare model id to every kind. Given fields replace the
 * catalog's; a model the catalog does not know becomes known.
 */
import type { ModelOverride } from "../../config/ai-entities.ts";
import { PROVIDER_KINDS, type ProviderKind } from "../provider.ts";
import { guessCapabilities } from "./heuristics.ts";
import type { ModelInfo } from "./types.ts";

const KIND_SET: ReadonlySet<string> = new Set(PROVIDER_KINDS);

export const ANY_KIND = "*";

/** `openai/gpt-4o` → openai + gpt-4o; `gpt-4o` → any kind; `meta-llama/x` (no such kind) → any kind, the whole name. */
export function overrideKey(name: string): { kind: ProviderKind | typeof ANY_KIND; model: string } {
  const slash = name.indexOf("/");
  const prefix = slash > 0 ? name.slice(0, slash) : "";
  if (KIND_SET.has(prefix)) return { kind: prefix as ProviderKind, model: name.slice(slash + 1).toLowerCase() };
  return { kind: ANY_KIND, model: name.toLowerCase() };
}

export function applyOverride(info: ModelInfo, o: ModelOverride): ModelInfo {
  const out: ModelInfo = { ...info };
  if (o.context_window !== undefined) out.contextWindow = o.context_window;
  if (o.max_output_tokens !== undefined) out.maxOutputTokens = o.max_output_tokens;
  if (o.input_per_mtok !== undefined) out.inputPerMTok = o.input_per_mtok;
  if (o.output_per_mtok !== undefined) out.outputPerMTok = o.output_per_mtok;
  if (o.cached_input_per_mtok !== undefined) out.cachedInputPerMTok = o.cached_input_per_mtok;
  return out;
}

export function fromOverride(kind: ProviderKind, model: string, o: ModelOverride): ModelInfo {
  return applyOverride({ provider: kind, source: "override", id: model, name: model, capabilities: guessCapabilities(model) }, o);
}
