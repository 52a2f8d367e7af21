/**
 * Starts a real gateway (proxy + admin listeners on ephemeral ports) over an
 * in-memory SQLite store, and offers typed helpers to create entities with
 * their schema defaults applied.
 */
import { INPUT_SCHEMAS, type EntityMap, type Kind } from "../../src/config/entities.ts";
import { ProviderInput } from "../../src/config/ai-entities.ts";
import type { Clock } from "../../src/core/clock.ts";
import { hashApiKey, keyPrefix } from "../../src/core/keys.ts";
import type { CounterStore } from "../../src/counters/counter-store.ts";
import { checkPolicy } from "../../src/policies/entity.ts";
import { SecretBox, secretHint } from "../../src/core/secrets.ts";
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
  /** Every call record so far (flushes the log queue first). */
  records(): Promise<CallRecord[]>;
  /** The call record of one request id, waiting briefly for it to be written. */
  record(requestId: string): Promise<CallRecord>;
  stop(): Promise<void>;
}

/** The master key every test gateway uses for provider secrets. */
export const TEST_SECRETS = new SecretBox(Buffer.alloc(32, 42));

/** A stored provider from admin-style input: keys' secrets encrypted, as the admin API stores them. */
export function providerData(input: Record<string, unknown>): EntityData<"providers"> {
  const parsed = ProviderInput.parse(input);
  const keys = parsed.keys.map(({ secret, session_token, ...rest }) => ({
    ...rest,
    ...(secret ? { secret_enc: TEST_SECRETS.encrypt(secret), secret_hint: secretHint(secret) } : {}),
    ...(session_token ? { session_token_enc: TEST_SECRETS.encrypt(session_token) } : {}),
  }));
  return { ...parsed, keys } as EntityData<"providers">;
}

export interface TestGatewayOptions {
  pollMs?: number;
  /** Rate-limit and quota counters (in-process when absent). */
  counters?: CounterStore;
  /** Wall clock for calendar quota windows. */
  clock?: Clock;
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const store = await openStore("sqlite::memory:");
  const sink = new MemorySink();
  const gw = await startGateway({
    store,
    proxy: { hostname: "127.0.0.1", port: 0 },
    admin: null,
    callLog: sink,
    pollMs: opts.pollMs ?? 50,
    secrets: TEST_SECRETS,
    ...(opts.counters ? { counters: opts.counters } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const parse = <K extends Kind>(kind: K, input: Record<string, unknown>) => INPUT_SCHEMAS[kind].parse(input) as unknown as EntityData<K>;
  const t: TestGateway = {
    store,
    gw,
    url: gw.proxyUrl,
    sink,
    async create(kind, input) {
      const data = parse(kind, input);
      if (kind === "policies") {
        // As the admin API does: the kind's own schema validates the config and fills its defaults.
        const checked = checkPolicy(data as EntityData<"policies">);
        if (!checked.ok) throw new Error(`invalid policy: ${JSON.stringify(checked.issues)}`);
        (data as EntityData<"policies">).config = checked.config;
      }
      return store.create(kind, data);
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
    synced: () => untilServing(store, gw),
    async records() {
      await gw.queue?.flush();
      return sink.records;
    },
    async record(requestId) {
      const deadline = Date.now() + 3000;
      for (;;) {
        await gw.queue?.flush();
        const r = sink.records.find((x) => x.request_id === requestId);
        if (r) return r;
        if (Date.now() > deadline) throw new Error(`no call record for ${requestId}`);
        await Bun.sleep(10);
      }
    },
    async stop() {
      await gw.stop();
      await store.close();
    },
  };
  return t;
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
/** Waits (up to 2 s) until the gateway serves the store's current revision. */
export async function untilServing(store: Store, gw: RunningGateway): Promise<void> {
  const target = await store.revision();
  await gw.snapshots.reload();
  const deadline = Date.now() + 2000;
  while (gw.snapshots.current.revision < target && Date.now() < deadline) await Bun.sleep(5);
}

export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3000, what = "condition"): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

export interface RawResponse {
  /** Everything the server sent until it closed or `idleMs` passed. */
  text: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection. */
  closed: boolean;
}

/**
 * Sends bytes exactly as given over a fresh TCP connection, for requests a
 * well-behaved client cannot produce. Resolves at close or after `idleMs`
 * without data once something arrived (or `maxMs` in all).
 */
export async function rawHttp(port: number, payload: string | Uint8Array, opts: { idleMs?: number; maxMs?: number } = {}): Promise<RawResponse> {
  const idleMs = opts.idleMs ?? 150;
  const maxMs = opts.maxMs ?? 3000;
  const chunks: Buffer[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_s, d) {
        chunks.push(Buffer.from(d));
        wake?.();
      },
      close() {
        closed = true;
        wake?.();
      },
      error() {
        closed = true;
        wake?.();
      },
    },
  });
  socket.write(typeof payload === "string" ? Buffer.from(payload, "latin1") : payload);
  socket.flush();
  const start = performance.now();
  let last = start;
  let seenBytes = 0;
  while (!closed && performance.now() - start < maxMs) {
    await new Promise<void>((r) => {
      wake = r;
      setTimeout(r, 20);
    });
    const total = chunks.reduce((n, c) => n + c.length, 0);
    if (total !== seenBytes) {
      seenBytes = total;
      last = performance.now();
    } else if (total > 0 && performance.now() - last > idleMs) break;
  }
  socket.end();
  const text = Buffer.concat(chunks).toString("latin1");
  const head = text.indexOf("\r\n\r\n");
  const lines = (head >= 0 ? text.slice(0, head) : text).split("\r\n");
  const status = Number((lines[0] ?? "").split(" ")[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { text, status, headers, body: head >= 0 ? text.slice(head + 4) : "", closed };
}
