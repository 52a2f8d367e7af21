/**
 * The prompt APIs of one configuration revision, indexed by service and
 * path, with their templates parsed once. A prompt API whose templates no
 * longer parse (written by a newer release, say) is left out and logged
 * rather than served half-understood.
 */
import type { PromptApi } from "./entity.ts";
import { parseTemplate, type TemplatePart } from "./template.ts";

export interface CompiledPromptApi {
  api: PromptApi;
  messages: ReadonlyArray<{ role: PromptApi["messages"][number]["role"]; parts: readonly TemplatePart[] }>;
}

export class PromptApiIndex {
  private readonly byService = new Map<string, Map<string, CompiledPromptApi>>();

  constructor(apis: readonly PromptApi[]) {
    for (const api of apis) {
      if (!api.enabled) continue;
      let compiled: CompiledPromptApi | undefined;
      try {
        compiled = compilePromptApi(api);
      } catch (err) {
        // A malformed document (a frozen release's, say) must not keep every other change from going live.
        console.error(`[waygate] prompt API ${api.name} skipped: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!compiled) continue;
      let paths = this.byService.get(api.service_id);
      if (!paths) this.byService.set(api.service_id, (paths = new Map()));
      paths.set(api.path, compiled);
    }
  }

  /** The prompt API of `serviceId` at `path` (the request path after the route's matched prefix, without a trailing '/'). */
  match(serviceId: string, path: string): CompiledPromptApi | undefined {
    return this.byService.get(serviceId)?.get(path);
  }
}

export function compilePromptApi(api: PromptApi): CompiledPromptApi | undefined {
  const messages: Array<CompiledPromptApi["messages"][number]> = [];
  for (const [i, m] of api.messages.entries()) {
    const parsed = parseTemplate(m.content);
    if (!parsed.ok) {
      console.error(`[waygate] prompt API ${api.name} skipped: messages[${i}]: ${parsed.message}`);
      return undefined;
    }
    messages.push({ role: m.role, parts: parsed.parts });
  }
  return { api, messages };
}
