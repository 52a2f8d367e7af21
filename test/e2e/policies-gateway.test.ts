/**
 * Policies through running gateways: a rate limit exact across two nodes
 * sharing Redis, IP rules that a spoofed X-Forwarded-For cannot get past,
 * header edits that reach the upstream, and CORS preflights.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { INPUT_SCHEMAS } from "../../src/config/entities.ts";
import { startGateway, type RunningGateway } from "../../src/gateway/server.ts";
import type { CounterStore } from "../../src/counters/counter-store.ts";
import { openCounters } from "../../src/counters/open.ts";
import { checkPolicy } from "../../src/policies/entity.ts";
import { redisReachable, redisUnreachableMessage, warnRedisMissing } from "../counters/backends.ts";
import { freshStore } from "../store/backends.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const up = new FaultUpstream("policies").start();
let g: TestGateway;

beforeAll(async () => {
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  const open = await g.create("services", { name: "open", upstream_id: u.id });
  await g.create("routes", { name: "open", service_id: open.id, paths: ["/open"] });
  await g.create("policies", { name: "only-trusted-net", kind: "ip_rules", scope: "service", service_id: open.id, config: { allow: ["10.0.0.0/8"], trusted_proxies: ["127.0.0.1/32"] } });
  await g.create("policies", { name: "tag", kind: "headers", scope: "service", service_id: open.id, config: { request: { set: { "x-tag": "gold" } }, response: { add: { "x-served-by": "waygate" } } } });
  await g.create("policies", { name: "browser", kind: "cors", scope: "service", service_id: open.id, config: { origins: ["https://app.example.com"], methods: ["GET", "POST"], headers: ["content-type"] } });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

test("IP rules read the client behind a trusted proxy, and a spoofed leftmost entry does not help", async () => {
  // The socket peer (127.0.0.1) is a trusted proxy; the real client is the rightmost untrusted entry.
  const allowed = await fetch(`${g.url}/open/x`, { headers: { "x-forwarded-for": "10.1.2.3" } });
  expect(allowed.status).toBe(200);
  const spoofed = await fetch(`${g.url}/open/x`, { headers: { "x-forwarded-for": "10.9.9.9, 203.0.113.7" } });
  expect(spoofed.status).toBe(403);
  expect(((await spoofed.json()) as { error: { code: string } }).error.code).toBe("ip_denied");
});

test("header edits reach the upstream and the client", async () => {
  const res = await fetch(`${g.url}/open/h`, { headers: { "x-forwarded-for": "10.1.2.3", "x-tag": "client-value" } });
  expect(res.headers.get("x-served-by")).toBe("waygate");
  const seen = up.seen.at(-1)!;
  expect(seen.headers["x-tag"]).toBe("gold");
});

test("CORS: an allowed preflight is answered by the gateway, a foreign origin is refused", async () => {
  const before = up.seen.length;
  const ok = await fetch(`${g.url}/open/c`, {
    method: "OPTIONS",
    headers: { origin: "https://app.example.com", "access-control-request-method": "POST", "x-forwarded-for": "10.1.2.3" },
  });
  expect(ok.status).toBe(204);
  expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  const bad = await fetch(`${g.url}/open/c`, {
    method: "OPTIONS",
    headers: { origin: "https://evil.example.net", "access-control-request-method": "POST", "x-forwarded-for": "10.1.2.3" },
  });
  expect(bad.status).toBe(403);
  expect(up.seen.length).toBe(before);
});

async function rateLimitedCluster(counterUrl: string): Promise<{ nodes: RunningGateway[]; dispose: () => Promise<void> }> {
  const db = await freshStore("sqlite");
  const u = await db.store.create("upstreams", INPUT_SCHEMAS.upstreams.parse({ name: "u", targets: [{ url: up.url }] }));
  const s = await db.store.create("services", INPUT_SCHEMAS.services.parse({ name: "s", upstream_id: u.id }));
  await db.store.create("routes", INPUT_SCHEMAS.routes.parse({ name: "r", service_id: s.id, paths: ["/"] }));
  const policy = INPUT_SCHEMAS.policies.parse({ name: "rl", kind: "rate_limit", scope: "global", config: { limit: 25, window: "minute", key: "client_ip" } });
  const checked = checkPolicy(policy);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  await db.store.create("policies", { ...policy, config: checked.config });
  const nodes: RunningGateway[] = [];
  const counters: CounterStore[] = [];
  // One prefix for both nodes: they must share their counts, but no other test run's.
  const prefix = `wgt:e2e:${crypto.randomUUID().slice(0, 8)}:`;
  for (let i = 0; i < 2; i++) {
    const c = await openCounters(counterUrl, { prefix });
    counters.push(c);
    nodes.push(await startGateway({ store: await db.open(), proxy: { hostname: "127.0.0.1", port: 0 }, admin: null, callLog: null, counters: c }));
  }
  return {
    nodes,
    async dispose() {
      for (const n of nodes) await n.stop();
      for (const c of counters) await c.close();
      await db.dispose();
    },
  };
}

describe("rate limits", () => {
  test("in-process counters: each node counts for itself, 429 with Retry-After and RateLimit headers", async () => {
    const { nodes, dispose } = await rateLimitedCluster("memory");
    try {
      const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${nodes[0]!.proxyUrl}/a`).then(async (r) => ({ s: r.status, h: r.headers }))));
      expect(statuses.filter((x) => x.s === 200).length).toBe(25);
      const limited = statuses.find((x) => x.s === 429)!;
      expect(Number(limited.h.get("retry-after"))).toBeGreaterThan(0);
      const okOne = statuses.find((x) => x.s === 200)!;
      expect(okOne.h.get("ratelimit-limit")).toBe("25");
      expect((await fetch(`${nodes[1]!.proxyUrl}/a`)).status).toBe(200);
    } finally {
      await dispose();
    }
  });

  test("Redis counters: exact across two gateway nodes", async () => {
    if (!(await redisReachable())) {
      if (process.env.CI === "true") throw new Error(`${redisUnreachableMessage()} (CI=true requires it)`);
      warnRedisMissing();
      return;
    }
    const { nodes, dispose } = await rateLimitedCluster("redis://127.0.0.1:6379");
    try {
      const all = await Promise.all(Array.from({ length: 60 }, (_, i) => fetch(`${nodes[i % 2]!.proxyUrl}/a`).then((r) => r.status)));
      expect(all.filter((s) => s === 200).length).toBe(25);
      expect(all.filter((s) => s === 429).length).toBe(35);
    } finally {
      await dispose();
    }
  });
});
