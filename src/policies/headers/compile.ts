/** Header edits flattened at build time into lowercase name lists, applied in a fixed order: remove, rename, set, add. */
import type { HeaderEdits } from "./schema.ts";

export interface CompiledEdits {
  remove: string[];
  rename: Array<[string, string]>;
  set: Array<[string, string]>;
  add: Array<[string, string]>;
}

const lowerPairs = (r: Record<string, string> | undefined): Array<[string, string]> =>
  Object.entries(r ?? {}).map(([k, v]) => [k.toLowerCase(), v]);

export function compileEdits(e: HeaderEdits | undefined): CompiledEdits | undefined {
  if (!e) return undefined;
  const out: CompiledEdits = {
    remove: (e.remove ?? []).map((n) => n.toLowerCase()),
    rename: Object.entries(e.rename ?? {}).map(([from, to]) => [from.toLowerCase(), to.toLowerCase()]),
    set: lowerPairs(e.set),
    add: lowerPairs(e.add),
  };
  const empty = out.remove.length + out.rename.length + out.set.length + out.add.length === 0;
  return empty ? undefined : out;
}
