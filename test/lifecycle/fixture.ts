/**
 * A gateway and the admin API over one store (SQLite in memory by default,
 * or a store of a backend under test), two upstreams that say who they are,
 * and users with team roles for the permission checks.
 */
import { startGateway, type RunningGateway } from "../../src/gateway/server.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";
import type { ApiResponse } from "../control/fixture.ts";
import { type IdentityServer, startIdentityAdmin } from "../control/identity-fixture.ts";
import type { CallRecord } from "../../src/telemetry/call-record.ts";
import { MemorySink, TEST_SECRETS, untilServing } from "../support/gateway.ts";

export interface Echo {
  url: string;
  /** Requests answered so far. */
  hits(): number;
  stop(): Promise<void>;
}

/** Answers every request with `{upstream, path}` as JSON. */
export function startEcho(name: string): Echo {
  let hits = 0;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req) => {
      hits++;
      return Response.json({ upstream: name, path: new URL(req.url).pathname }, { headers: { link: '</docs>; rel="help"' } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, hits: () => hits, stop: () => server.stop(true) };
}

export interface LifecycleEnv {
  store: Store;
  gw: RunningGateway;
  admin: IdentityServer;
  a: Echo;
  b: Echo;
  /** Admin API call as the admin token, or as `token`. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<ApiResponse>;
  /** A request through the gateway. */
  get(path: string, init?: RequestInit): Promise<Response>;
  /** The upstream name answering `path`, or the error code. */
  who(path: string): Promise<string>;
  /** Waits until the gateway serves the store's current revision. */
  synced(): Promise<void>;
  /** Every call record so far. */
  records(): Promise<CallRecord[]>;
  stop(): Promise<void>;
}

export async function startLifecycleEnv(existing?: Store): Promise<LifecycleEnv> {
  const store = existing ?? (await openStore("sqlite::memory:"));
  const sink = new MemorySink();
  const gw = await startGateway({ store, proxy: { hostname: "127.0.0.1", port: 0 }, admin: null, callLog: sink, pollMs: 50, secrets: TEST_SECRETS });
  const admin = startIdentityAdmin(store);
  const a = startEcho("a");
  const b = startEcho("b");
  const env: LifecycleEnv = {
    store,
    gw,
    admin,
    a,
    b,
    api: (method, path, body, token) => admin.call(method, path, body, token),
    get: (path, init) => fetch(gw.proxyUrl + path, init),
    async who(path) {
      const res = await fetch(gw.proxyUrl + path);
      const body = (await res.json()) as { upstream?: string; error?: { code: string } };
      return body.upstream ?? body.error?.code ?? `status ${res.status}`;
    },
    synced: () => untilServing(store, gw),
    async records() {
      await gw.queue?.flush();
      return sink.records;
    },
    async stop() {
      await gw.stop();
      await admin.stop();
      await a.stop();
      await b.stop();
      if (!existing) await store.close();
    },
  };
  return env;
}

/** Creates an entity through the admin API, failing loudly on anything but 201. */
export async function make(env: LifecycleEnv, kind: string, body: Record<string, unknown>): Promise<Record<string, unknown> & { id: string }> {
  const res = await env.api("POST", `/admin/${kind}`, body);
  if (res.status !== 201) throw new Error(`create ${kind}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A team with a service `name` (route /<path>) on upstream a. */
export async function service(env: LifecycleEnv, team: string, name: string, path: string, extra: Record<string, unknown> = {}): Promise<{ service: string; route: string; upstream: string }> {
  const upstream = await make(env, "upstreams", { name: `${name}-up`, team_id: team, targets: [{ url: env.a.url }] });
  const svc = await make(env, "services", { name, team_id: team, upstream_id: upstream.id, ...extra });
  const route = await make(env, "routes", { name: `${name}-route`, service_id: svc.id, paths: [path] });
  return { service: svc.id, route: route.id, upstream: upstream.id };
}

/** A user holding `role` in `team`; returns their session token. */
export async function member(env: LifecycleEnv, username: string, team: string, role: string): Promise<string> {
  const id = await env.admin.user(username);
  await env.admin.grant(id, team, role);
  return env.admin.login(username);
}
