/**
 * The model catalog: built-in data (see data.ts) plus the deployment's
 * model overrides, built once per configuration snapshot. Lookups are Map
 * reads; the slower alias resolution runs once per distinct (kind, model)
 * and is remembered.
 */
import type { ModelOverride } from "../../config/ai-entities.ts";
import type { ProviderKind } from "../provider.ts";
import { candidates } from "./aliases.ts";
import { baseData, canonicalName, type BaseData, type SourceIndex } from "./data.ts";
import { matches } from "./match.ts";
import { ANY_KIND, applyOverride, fromOverride, overrideKey } from "./overrides.ts";
import { LOOKUP_ORDER } from "./sources.ts";
import type { Catalog, ModelInfo } from "./types.ts";

export type { Catalog, ModelCapabilities, ModelInfo } from "./types.ts";

/** Distinct model names remembered per catalog; clients choose the names, so the memory must be bounded. */
const MAX_REMEMBERED = 10_000;

function inSource(source: SourceIndex, id: string): ModelInfo | undefined {
  return (source.exact.get(id) ?? source.canonical.get(canonicalName(id)))?.info;
}

function byRule(source: SourceIndex, id: string): ModelInfo | undefined {
  return source.entries.find((e) => e.match !== undefined && matches(e.match, id))?.info;
}

/** Each spelling, most specific first, is tried by exact name everywhere the kind looks before any match rule. */
function resolve(data: BaseData, kind: ProviderKind, model: string): ModelInfo | undefined {
  const sources = LOOKUP_ORDER[kind].map((id) => data.sources.get(id)).filter((s): s is SourceIndex => s !== undefined);
  for (const id of candidates(model)) {
    for (const s of sources) {
      const hit = inSource(s, id);
      if (hit) return hit;
    }
    for (const s of sources) {
      const hit = byRule(s, id);
      if (hit) return hit;
    }
  }
  return undefined;
}

export function createCatalog(overrides: readonly ModelOverride[]): Catalog {
  const data = baseData();
  const byKey = new Map<string, ModelOverride>();
  for (const o of overrides) {
    const { kind, model } = overrideKey(o.name);
    byKey.set(`${kind}\u0000${model}`, o);
  }
  const overrideFor = (kind: ProviderKind, model: string): ModelOverride | undefined => {
    const id = model.toLowerCase();
    return byKey.get(`${kind}\u0000${id}`) ?? byKey.get(`${ANY_KIND}\u0000${id}`);
  };
  const remembered = new Map<string, ModelInfo | null>();

  function lookup(kind: ProviderKind, model: string): ModelInfo | undefined {
    const key = `${kind}\u0000${model}`;
    const seen = remembered.get(key);
    if (seen !== undefined) return seen ?? undefined;
    const base = resolve(data, kind, model);
    const o = overrideFor(kind, model) ?? (base ? overrideFor(kind, base.id) : undefined);
    const info = o ? (base ? applyOverride(base, o) : fromOverride(kind, model, o)) : base;
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, info ?? null);
    return info;
  }

  function list(): ModelInfo[] {
    const out = data.all.map((info) => {
      const o = overrideFor(info.provider, info.id);
      return o ? applyOverride(info, o) : info;
    });
    for (const o of overrides) {
      const { kind, model } = overrideKey(o.name);
      if (kind !== ANY_KIND && resolve(data, kind, model) === undefined) out.push(fromOverride(kind, model, o));
    }
    return out;
  }

  return { lookup, list };
}
