/** Every entity of a kind matching a filter, across pages. */
import type { EntityMap, Kind } from "../config/entities.ts";
import type { StoreOps } from "./store.ts";

export async function allWhere<K extends Kind>(ops: StoreOps, kind: K, where: Record<string, string>): Promise<Array<EntityMap[K]>> {
  const out: Array<EntityMap[K]> = [];
  let cursor: string | undefined;
  do {
    const page = await ops.list(kind, { limit: 1000, where, ...(cursor !== undefined ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}
