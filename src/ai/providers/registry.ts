/**
 * Provider kind → adapter. Each adapter folder exports `adapter`; adding a
 * provider is one import and one entry here, and the shared conformance
 * suite (test/ai/providers/conformance.test.ts) then runs over it.
 */
import { WaygateError } from "../../core/errors.ts";
import type { ProviderAdapter, ProviderKind } from "../provider.ts";
import { adapter as anthropic } from "./anthropic/index.ts";
import { adapter as azureOpenAi } from "./azure-openai/index.ts";
import { adapter as bedrock } from "./bedrock/index.ts";
import { adapter as cohere } from "./cohere/index.ts";
import { adapter as gemini, vertexAdapter as vertex } from "./gemini/index.ts";
import { adapter as mistral } from "./mistral/index.ts";
import { adapter as openai } from "./openai/index.ts";
import { adapter as openaiCompatible } from "./openai-compatible/index.ts";

const ADAPTERS: Partial<Record<ProviderKind, ProviderAdapter>> = {
  openai,
  azure_openai: azureOpenAi,
  openai_compatible: openaiCompatible,
  mistral,
  anthropic,
  gemini,
  vertex,
  bedrock,
  cohere,
};

export function adapterFor(kind: ProviderKind): ProviderAdapter {
  const adapter = ADAPTERS[kind];
  if (!adapter) throw new WaygateError("config_invalid", `no adapter for provider kind ${kind} in this build`);
  return adapter;
}

/** Every registered adapter, for the conformance suite and capability listings. */
export function registeredAdapters(): ProviderAdapter[] {
  return Object.values(ADAPTERS).filter((a): a is ProviderAdapter => a !== undefined);
}
