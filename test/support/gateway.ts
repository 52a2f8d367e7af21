/**
 * Starts a real gateway (proxy + admin listeners on ephemeral ports) over an
 * in-memory SQLite store, and offers typed helpers to create entities with
 * their schema defaults applied.
 */
import { INPUT_SCHEMAS, type EntityMap, type Kind } from "../../src/config/entities.ts";
import { hashApiKey, keyPrefix } from "../../src/core/keys.ts";
import { startGateway, type RunningGateway } from "../../src/gateway/server.ts";
import { openStore } from "../../src/store/open.ts";
import type { EntityData, Store } from "../../src/store/store.ts";
import type { CallRecord } from "../../src/telemetry/call-record.ts";
import type { CallLogSink } from "../../src/telemetry/log-queue.ts";

export class MemorySink implements CallLogSink {
  readonly records: CallRecord[] = [];
  async write(batch: CallRecord[]): Promise<void> {
    this.records.push(...batch);
  }
  async close(): Promise<void> {}
}

export interface TestGateway {
  store: Store;
  gw: RunningGateway;
  url: string;
  sink: MemorySink;
  create<K extends Exclude<Kind, "credentials">>(kind: K, input: Record<string, unknown>): Promise<EntityMap[K]>;
  update<K extends Exclude<Kind, "credentials">>(kind: K, id: string, input: Record<string, unknown>): Promise<EntityMap[K]>;
  /** Creates an API key credential and returns the plaintext key. */
  apiKey(applicationId: string, name?: string, extra?: Record<string, unknown>): Promise<{ key: string; credential: EntityMap["credentials"] }>;
  /** Waits until the gateway serves the store's current revision. */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestGateway(opts: { pollMs?: number } = {}): Promise<TestGateway> {
  const store = await openStore("sqlite::memory:");
  const sink = new MemorySink();
  const gw = await startGateway({ store, proxy: { hostname: "127.0.0.1", port: 0 }, admin: null, callLog: sink, pollMs: opts.pollMs ?? 50 });
  const parse = <K extends Kind>(kind: K, input: Record<string, unknown>) => INPUT_SCHEMAS[kind].parse(input) as unknown as EntityData<K>;
  const t: TestGateway = {
    store,
    gw,
    url: gw.proxyUrl,
    sink,
    async create(kind, input) {
      return store.create(kind, parse(kind, input));
    },
    async update(kind, id, input) {
      return store.update(kind, id, parse(kind, input));
    },
    async apiKey(applicationId, name = "default", extra = {}) {
      const key = `wg_test_${crypto.randomUUID().replaceAll("-", "")}`;
      const parsed = INPUT_SCHEMAS.credentials.parse({ name, application_id: applicationId, ...extra });
      const { key: _omit, ...rest } = parsed;
      const credential = await store.create("credentials", { ...rest, key_hash: hashApiKey(key), key_prefix: keyPrefix(key) });
      return { key, credential };
    },
    async synced() {
      const target = await store.revision();
      await gw.snapshots.reload();
      const deadline = Date.now() + 2000;
      while (gw.snapshots.current.revision < target && Date.now() < deadline) await Bun.sleep(5);
    },
    async stop() {
      await gw.stop();
      await store.close();
    },
  };
  return t;
}
