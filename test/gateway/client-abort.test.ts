import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
const up = new FaultUpstream("a");

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }], timeouts: { ttfb_ms: 10_000, idle_ms: 10_000 } });
  const s = await g.create("services", { name: "s", upstream_id: u.id });
  await g.create("routes", { name: "r", service_id: s.id, paths: ["/a"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

const view = () => g.gw.health()[0]!;

test("a client abort while the upstream has not answered reaches the upstream promptly", async () => {
  up.mode = { kind: "hang" };
  const ctl = new AbortController();
  const before = up.abortedByPeer;
  const pending = fetch(`${g.url}/a/hang`, { signal: ctl.signal }).catch((e: unknown) => e);
  await waitFor(() => up.seen.length > 0 && view().inflight === 1, 2000, "request in flight");
  // One request is one in-flight attempt, not two.
  expect(view().inflight).toBe(1);

  const abortedAt = performance.now();
  ctl.abort();
  await pending;
  await waitFor(() => up.abortedByPeer > before, 1000, "upstream connection closed");
  expect(performance.now() - abortedAt).toBeLessThan(200);
  await waitFor(() => view().inflight === 0, 1000, "in-flight released");

  // A client going away says nothing about the target.
  expect(view().outlier.consecutive_failures).toBe(0);
  expect(view().breaker.failure_rate_percent).toBe(0);
  const records = await waitFor(async () => {
    const rs = (await g.records()).filter((r) => r.path === "/a/hang");
    return rs.length > 0 ? rs : undefined;
  });
  expect(records[0]!.error_code).toBe("client_closed_request");
  expect(records[0]!.attempts).toBe(1);
  up.mode = { kind: "ok" };
});

test("a client abort in the middle of a streamed body reaches the upstream promptly", async () => {
  up.mode = { kind: "slow_body", chunks: 50, gapMs: 50 };
  const ctl = new AbortController();
  const before = up.abortedByPeer;
  const res = await fetch(`${g.url}/a/stream`, { signal: ctl.signal });
  expect(res.status).toBe(200);
  const id = res.headers.get("x-request-id")!;
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain("chunk-0");
  expect(view().inflight).toBe(1);

  const abortedAt = performance.now();
  ctl.abort();
  await reader.read().catch(() => undefined);
  await waitFor(() => up.abortedByPeer > before, 1000, "upstream connection closed");
  expect(performance.now() - abortedAt).toBeLessThan(200);
  await waitFor(() => view().inflight === 0, 1000, "in-flight released");
  const rec = await g.record(id);
  expect(rec.error_code).toBe("client_closed_request");
  expect(rec.response_bytes).toBeGreaterThan(0);
  up.mode = { kind: "ok" };
});

test("the gateway serves normally afterwards", async () => {
  const res = await fetch(`${g.url}/a/ok`);
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  expect(view().inflight).toBe(0);
});
