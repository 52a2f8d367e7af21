/**
 * The AI part of a snapshot: providers with their credential pools, virtual
 * models, and the catalog — compiled once per revision. Key health survives
 * recompilation through the shared TargetRegistry, latency observations
 * through the LatencyBook.
 */
import type { Provider, RouteNode, VirtualModel } from "../../config/ai-entities.ts";
import type { Clock } from "../../core/clock.ts";
import type { SecretBox } from "../../core/secrets.ts";
import type { TargetRegistry } from "../../upstream/registry.ts";
import type { Catalog } from "../catalog/index.ts";
import type { ModelOverride } from "../../config/ai-entities.ts";
import type { PromptApi } from "../../prompt-apis/entity.ts";
import { PromptApiIndex } from "../../prompt-apis/compiled.ts";
import { costOf } from "../cost.ts";
import { estimateChatTokens, estimateTextTokens } from "../tokens.ts";
import type { ChatRequest, Usage } from "../types.ts";
import type { ExecuteDeps } from "./execute.ts";
import { ProviderRuntime } from "./provider-runtime.ts";

export interface ResolvedModel {
  /** The virtual model, or null when the client named `provider/model` directly. */
  virtualModel: VirtualModel | null;
  route: RouteNode;
}

/** Time-to-first-byte EWMA per provider/model, for least_latency routing; outlives snapshots. */
export class LatencyBook {
  private readonly values = new Map<string, number>();
  observe(provider: string, model: string, ms: number): void {
    const key = `${provider}/${model}`;
    const prev = this.values.get(key);
    this.values.set(key, prev === undefined ? ms : prev * 0.8 + ms * 0.2);
  }
  get(provider: string, model: string): number {
    return this.values.get(`${provider}/${model}`) ?? 0;
  }
}

export interface AiCompileInput {
  providers: readonly Provider[];
  virtualModels: readonly VirtualModel[];
  modelOverrides: readonly ModelOverride[];
  /** Prompt APIs of every service; each is reached under its own service's routes. */
  promptApis?: readonly PromptApi[];
}

export class AiRuntime {
  readonly providers = new Map<string, ProviderRuntime>();
  readonly virtualModels = new Map<string, VirtualModel>();
  readonly promptApis: PromptApiIndex;
  private catalogCache: Catalog | undefined;
  private readonly overrides: readonly ModelOverride[];
  /** Providers that failed to compile (e.g. a secret under another master key), with why. */
  readonly broken = new Map<string, string>();

  constructor(input: AiCompileInput, registry: TargetRegistry, clock: Clock, secrets: SecretBox | undefined, readonly latency: LatencyBook) {
    for (const p of input.providers) {
      try {
        this.providers.set(p.name, new ProviderRuntime(p, registry, clock, secrets));
      } catch (err) {
        this.broken.set(p.name, err instanceof Error ? err.message : String(err));
        console.error(`[waygate] provider ${p.name} unavailable: ${this.broken.get(p.name)}`);
      }
    }
    for (const vm of input.virtualModels) this.virtualModels.set(vm.name, vm);
    this.overrides = input.modelOverrides;
    this.promptApis = new PromptApiIndex(input.promptApis ?? []);
  }

  /**
   * The model catalog (~1,300 models, ~25 MB) is loaded on first use, so a
   * gateway without AI traffic never pays for it.
   */
  get catalog(): Catalog {
    if (!this.catalogCache) {
      const { createCatalog } = require("../catalog/index.ts") as typeof import("../catalog/index.ts");
      this.catalogCache = createCatalog([...this.overrides]);
    }
    return this.catalogCache;
  }

  readonly executeDeps: ExecuteDeps = {
    provider: (name) => this.providers.get(name),
    contextWindow: (p, model) => this.catalog.lookup(p.provider.kind, model)?.contextWindow,
    observeLatency: (provider, model, ms) => this.latency.observe(provider, model, ms),
  };

  estimateChatTokens(req: ChatRequest): number {
    return estimateChatTokens(req);
  }

  estimateTextTokens(text: string): number {
    return estimateTextTokens(text);
  }

  /** Input + output price per million tokens, for lowest_cost routing (Infinity when unknown). */
  pricePerMTok(providerName: string, model: string): number {
    const p = this.providers.get(providerName);
    const info = p ? this.catalog.lookup(p.provider.kind, model) : undefined;
    if (!info || info.inputPerMTok === undefined || info.outputPerMTok === undefined) return Number.POSITIVE_INFINITY;
    return info.inputPerMTok + info.outputPerMTok;
  }

  cost(provider: ProviderRuntime, model: string, usage: Usage): number | null {
    return costOf(usage, this.catalog.lookup(provider.provider.kind, model)).cost_usd;
  }

  /** Target keys of every provider pool, for the registry's retain(). */
  targetKeys(): string[] {
    return [...this.providers.values()].flatMap((p) => p.pool.keys());
  }

  /** What a model name means for a caller of a service of team `teamId`. */
  resolve(model: string, teamId: string | undefined): ResolvedModel | undefined {
    const vm = this.virtualModels.get(model);
    if (vm && visible(vm.team_id, teamId)) return { virtualModel: vm, route: vm.route };
    const slash = model.indexOf("/");
    if (slash <= 0) return undefined;
    const provider = this.providers.get(model.slice(0, slash));
    const providerModel = model.slice(slash + 1);
    if (!provider || !visible(provider.provider.team_id, teamId) || !provider.serves(providerModel)) return undefined;
    return { virtualModel: null, route: { type: "target", provider: provider.name, model: providerModel } };
  }

  /** Model names a caller may use: visible virtual models, then each provider's listed models. */
  modelNames(teamId: string | undefined): string[] {
    const out: string[] = [];
    for (const vm of this.virtualModels.values()) if (visible(vm.team_id, teamId)) out.push(vm.name);
    for (const p of this.providers.values()) {
      if (!visible(p.provider.team_id, teamId) || !p.provider.enabled) continue;
      for (const m of p.provider.models) out.push(`${p.name}/${m}`);
    }
    return out;
  }

  start(): void {
    for (const p of this.providers.values()) p.pool.start();
  }

  stop(): void {
    for (const p of this.providers.values()) p.pool.stop();
  }
}

function visible(owner: string | undefined, teamId: string | undefined): boolean {
  return owner === undefined || owner === teamId;
}
