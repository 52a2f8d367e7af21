/**
 * DB-less mode: a waygate.yaml file is the configuration. It is applied to an
 * in-memory store at start and again whenever it changes; an invalid edit is
 * reported and ignored, so the gateway keeps serving the last good version.
 */
import { watch } from "node:fs";
import { applyConfig } from "../config/file/apply.ts";
import { validateConfig } from "../config/file/validate.ts";
import type { SecretBox } from "../core/secrets.ts";
import type { Store } from "../store/store.ts";

export async function loadConfigFile(store: Store, path: string, secrets: SecretBox): Promise<boolean> {
  let text: string;
  try {
    text = await Bun.file(path).text();
  } catch (err) {
    process.stderr.write(`waygate: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
  const result = validateConfig(text);
  if (!result.ok) {
    process.stderr.write(`waygate: ${path} is invalid:\n`);
    for (const e of result.errors) process.stderr.write(`  ${e.path}${e.line ? ` (line ${e.line})` : ""}: ${e.message}\n`);
    return false;
  }
  try {
    await applyConfig(store, result.config, { secrets });
  } catch (err) {
    process.stderr.write(`waygate: applying ${path} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
  return true;
}

/** Re-applies the file on change (debounced; fs events plus a slow poll, since editors replace files). */
export function watchConfigFile(store: Store, path: string, secrets: SecretBox, pollMs = 1000): () => void {
  let lastText: string | undefined;
  let timer: Timer | undefined;
  let running = false;
  const check = async () => {
    if (running) return;
    running = true;
    try {
      const text = await Bun.file(path).text().catch(() => undefined);
      if (text === undefined || text === lastText) return;
      const first = lastText === undefined;
      lastText = text;
      if (first) return;
      if (await loadConfigFile(store, path, secrets)) process.stdout.write(`waygate: reloaded ${path}\n`);
    } finally {
      running = false;
    }
  };
  void check();
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void check(), 50);
  };
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(path, schedule);
  } catch {
    watcher = undefined;
  }
  const poll = setInterval(() => void check(), pollMs);
  poll.unref();
  return () => {
    watcher?.close();
    clearInterval(poll);
    if (timer) clearTimeout(timer);
  };
}
