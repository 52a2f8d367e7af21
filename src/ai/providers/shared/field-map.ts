/**
 * The declarative half of an adapter: which unified ChatRequest field goes to
 * which provider field. A target is a dotted path (`generationConfig.topK`
 * builds nested objects) or a path plus a value conversion. Fields a provider
 * lacks are simply absent from its map, so they are dropped.
 */
import type { ChatRequest } from "../../types.ts";

/** The ChatRequest fields that carry over as plain values. */
export type MappableField =
  | "temperature"
  | "topP"
  | "topK"
  | "maxTokens"
  | "stop"
  | "seed"
  | "n"
  | "presencePenalty"
  | "frequencyPenalty"
  | "logprobs"
  | "topLogprobs"
  | "user"
  | "parallelToolCalls"
  | "reasoningEffort";

export type FieldTarget<K extends MappableField> =
  | string
  | {
      path: string;
      /** Returning undefined drops the field. */
      value: (v: NonNullable<ChatRequest[K]>, req: ChatRequest) => unknown;
    };

export type FieldMap = { readonly [K in MappableField]?: FieldTarget<K> };

/** Writes every mapped field present in `req` into `into` (mutated and returned). */
export function applyFieldMap(req: ChatRequest, map: FieldMap, into: Record<string, unknown>): Record<string, unknown> {
  for (const field of Object.keys(map) as MappableField[]) applyField(req, field, map, into);
  return into;
}

function applyField<K extends MappableField>(req: ChatRequest, field: K, map: FieldMap, into: Record<string, unknown>): void {
  const target: FieldTarget<K> | undefined = map[field];
  const value = req[field];
  if (target === undefined || value === undefined || value === null) return;
  if (typeof target === "string") {
    setPath(into, target, value);
    return;
  }
  const out = target.value(value, req);
  if (out !== undefined) setPath(into, target.path, out);
}

export function setPath(into: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = into;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[keys[keys.length - 1] as string] = value;
}
