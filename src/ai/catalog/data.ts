/**
 * The built-in catalog, merged once per process from the two installed data
 * sets: genai-prices gives prices, context windows and the match rules that
 * recognise a model's aliases; models.dev gives output limits and
 * capabilities, and the models the price list lacks.
 */
import { findProvider } from "@pydantic/genai-prices";
import type { MatchLogic, ModelInfo as PriceEntry } from "@pydantic/genai-prices";
import { guessCapabilities } from "./heuristics.ts";
import { exactNames, matches } from "./match.ts";
import { capabilitiesOf, modelsDevModels, type ModelsDevModel } from "./models-dev.ts";
import { tokenPrices } from "./prices.ts";
import { SOURCES, type Source } from "./sources.ts";
import type { ModelInfo } from "./types.ts";

export interface Entry {
  info: ModelInfo;
  match?: MatchLogic;
}

export interface SourceIndex {
  /** In data order, which is the order match rules are tried in. */
  entries: Entry[];
  /** Lower-cased id and every exact alias → entry. */
  exact: Map<string, Entry>;
  /** canonicalName(id or alias) → entry. */
  canonical: Map<string, Entry>;
}

export interface BaseData {
  sources: Map<string, SourceIndex>;
  all: ModelInfo[];
}

/** `claude-sonnet-4.5` and `claude-sonnet-4-5` are one name; so are `gpt-4.1` and `gpt-4-1`. */
export function canonicalName(id: string): string {
  return id.toLowerCase().replace(/(\d)\.(?=\d)/g, "$1-");
}

function withLimits(info: ModelInfo, md: ModelsDevModel | undefined): ModelInfo {
  if (!md) return info;
  const out: ModelInfo = { ...info, capabilities: capabilitiesOf(md) };
  if (out.contextWindow === undefined && md.limit?.context) out.contextWindow = md.limit.context;
  if (md.limit?.output) out.maxOutputTokens = md.limit.output;
  return out;
}

function fromPriceList(source: Source, m: PriceEntry, md: ModelsDevModel | undefined, now: Date): ModelInfo {
  const info: ModelInfo = {
    provider: source.kind,
    source: source.id,
    id: m.id,
    name: m.name ?? m.id,
    capabilities: guessCapabilities(m.id),
    ...tokenPrices(m.prices, now),
  };
  if (m.context_window !== undefined) info.contextWindow = m.context_window;
  return withLimits(info, md);
}

function fromModelsDev(source: Source, id: string, md: ModelsDevModel): ModelInfo {
  const info: ModelInfo = { provider: source.kind, source: source.id, id, name: md.name ?? id, capabilities: capabilitiesOf(md) };
  const cost = md.cost;
  if (cost?.input !== undefined) info.inputPerMTok = cost.input;
  if (cost?.output !== undefined) info.outputPerMTok = cost.output;
  if (cost?.cache_read !== undefined) info.cachedInputPerMTok = cost.cache_read;
  if (cost?.cache_write !== undefined) info.cacheWritePerMTok = cost.cache_write;
  return withLimits(info, md);
}

function buildSource(source: Source, now: Date): Entry[] {
  const priced = findProvider({ providerId: source.id })?.models ?? [];
  const described = new Map<string, ModelsDevModel>();
  for (const md of source.modelsDev ? modelsDevModels(source.modelsDev) : []) {
    const id = (source.modelsDevPrefix && md.id.startsWith(source.modelsDevPrefix) ? md.id.slice(source.modelsDevPrefix.length) : md.id).toLowerCase();
    described.set(id, md);
  }
  const used = new Set<string>();
  const entries: Entry[] = priced.map((m) => {
    const id = m.id.toLowerCase();
    let mdId: string | undefined = described.has(id) ? id : undefined;
    mdId ??= [...described.keys()].find((k) => !used.has(k) && matches(m.match, k));
    if (mdId !== undefined) used.add(mdId);
    return { info: fromPriceList(source, m, mdId === undefined ? undefined : described.get(mdId), now), match: m.match };
  });
  for (const [id, md] of described) {
    if (used.has(id) || priced.some((m) => matches(m.match, id))) continue;
    entries.push({ info: fromModelsDev(source, md.id, md) });
  }
  return entries;
}

function index(entries: Entry[]): SourceIndex {
  const exact = new Map<string, Entry>();
  const canonical = new Map<string, Entry>();
  for (const e of entries) {
    for (const name of [e.info.id.toLowerCase(), ...(e.match ? exactNames(e.match) : [])]) {
      if (!exact.has(name)) exact.set(name, e);
      const canon = canonicalName(name);
      if (!canonical.has(canon)) canonical.set(canon, e);
    }
  }
  return { entries, exact, canonical };
}

let built: BaseData | undefined;

export function baseData(): BaseData {
  if (built) return built;
  const now = new Date();
  const sources = new Map<string, SourceIndex>();
  for (const source of SOURCES) sources.set(source.id, index(buildSource(source, now)));
  built = { sources, all: [...sources.values()].flatMap((s) => s.entries.map((e) => e.info)) };
  return built;
}
