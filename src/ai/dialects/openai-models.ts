/** `GET /v1/models`: the model names a caller may use, as OpenAI's model list. */

export interface ModelEntry {
  id: string;
  /** Epoch seconds; 0 when unknown. */
  created?: number;
  ownedBy?: string;
}

/**
 * A `provider/model` name is owned by its provider; any other name (a
 * virtual model) by the gateway.
 */
function ownerOf(id: string): string {
  const slash = id.indexOf("/");
  return slash > 0 ? id.slice(0, slash) : "waygate";
}

export function renderModel(entry: string | ModelEntry): { id: string; object: "model"; created: number; owned_by: string } {
  const e = typeof entry === "string" ? { id: entry } : entry;
  return { id: e.id, object: "model", created: e.created ?? 0, owned_by: e.ownedBy ?? ownerOf(e.id) };
}

export function renderModels(entries: ReadonlyArray<string | ModelEntry>): { object: "list"; data: Array<ReturnType<typeof renderModel>> } {
  return { object: "list", data: entries.map(renderModel) };
}
