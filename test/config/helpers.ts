import { validateConfig } from "../../src/config/file/validate.ts";
import type { WaygateConfig } from "../../src/config/file/schema.ts";
import type { Store, StoreOps } from "../../src/store/store.ts";

export const ENV = { MOBILE_APP_KEY: "mobile-key-0123456789abcdef" };
export const fixture = await Bun.file(new URL("./fixtures/complete.yaml", import.meta.url)).text();

export function parse(text: string, env: Record<string, string> = ENV): WaygateConfig {
  const r = validateConfig(text, env);
  if (!r.ok) throw new Error(`invalid test config:\n${r.errors.map((e) => `${e.path} (line ${e.line}): ${e.message}`).join("\n")}`);
  return r.config;
}

/** Every entity without timestamps, for comparing whole stores. */
export async function contents(store: Store): Promise<unknown> {
  const { revision: _r, ...set } = await store.loadAll();
  return JSON.parse(JSON.stringify(set, (k, v: unknown) => (k === "created_at" || k === "updated_at" ? undefined : v)));
}

/** A store whose transactions fail at the given write, to prove an apply is all or nothing. */
export function failingAt(store: Store, failOn: (op: string, kind: string) => boolean): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== "transaction") return Reflect.get(target, prop, receiver);
      return <T>(fn: (tx: StoreOps) => Promise<T>) =>
        target.transaction((tx) =>
          fn(
            new Proxy(tx, {
              get(t, p, r) {
                const value = Reflect.get(t, p, r);
                if (typeof value !== "function") return value;
                return (kind: string, ...rest: unknown[]) => {
                  if (failOn(String(p), kind)) throw new Error(`injected failure on ${String(p)} ${kind}`);
                  return (value as (...a: unknown[]) => unknown).call(t, kind, ...rest);
                };
              },
            }),
          ),
        );
    },
  });
}
