import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
const up = new FaultUpstream("a");
const LIMIT = 1024 * 1024;

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u1", targets: [{ url: up.url }], timeouts: { idle_ms: 5000, ttfb_ms: 5000 } });
  const big = await g.create("services", { name: "big", upstream_id: u.id, max_request_body_bytes: 32 * 1024 * 1024 });
  const small = await g.create("services", { name: "small", upstream_id: u.id, max_request_body_bytes: LIMIT });
  await g.create("routes", { name: "big", service_id: big.id, paths: ["/big"] });
  await g.create("routes", { name: "small", service_id: small.id, paths: ["/small"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

function pattern(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = 97 + ((i * 7 + (i >> 10)) % 26);
  return out;
}

function chunked(data: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= data.length) return c.close();
      c.enqueue(data.subarray(off, off + chunk));
      off += chunk;
    },
  });
}

const sha = (data: string | Uint8Array) => new Bun.CryptoHasher("sha256").update(data).digest("hex");

test("a multi-megabyte chunked request body without Content-Length reaches the upstream intact", async () => {
  const data = pattern(6 * 1024 * 1024 + 123);
  up.mode = { kind: "ok", body: "{}" };
  try {
    const before = up.seen.length;
    const res = await fetch(`${g.url}/big/upload`, { method: "POST", body: chunked(data, 64 * 1024), duplex: "half" } as RequestInit);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const seen = up.seen[before]!;
    expect(seen.headers["content-length"]).toBeUndefined();
    expect(seen.headers["transfer-encoding"]).toContain("chunked");
    expect(seen.body.length).toBe(data.length);
    expect(sha(seen.body)).toBe(sha(data));
    const rec = (await g.records()).find((r) => r.request_id === res.headers.get("x-request-id"));
    expect(rec?.request_bytes).toBe(data.length);
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("a streamed response arrives chunk by chunk: the first chunk before the upstream sends the last", async () => {
  up.mode = { kind: "slow_body", chunks: 5, gapMs: 150 };
  try {
    const start = performance.now();
    const res = await fetch(`${g.url}/big/stream`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const arrivals: Array<{ at: number; text: string }> = [];
    const dec = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ at: performance.now() - start, text: dec.decode(value) });
    }
    const all = arrivals.map((a) => a.text).join("");
    expect(all).toBe("chunk-0\nchunk-1\nchunk-2\nchunk-3\nchunk-4\n");
    // The last chunk leaves the upstream ≥ 4 × 150 ms after the first; the first must arrive well before.
    const first = arrivals.find((a) => a.text.includes("chunk-0"))!;
    const lastChunk = arrivals.find((a) => a.text.includes("chunk-4"))!;
    expect(first.text).not.toContain("chunk-4");
    expect(lastChunk.at - first.at).toBeGreaterThanOrEqual(400);
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("413 payload_too_large for a Content-Length over the service limit, without contacting the upstream", async () => {
  const before = up.seen.length;
  const res = await fetch(`${g.url}/small/upload`, { method: "POST", body: new Uint8Array(LIMIT + 1) });
  expect(res.status).toBe(413);
  const body = (await res.json()) as { error: { code: string; request_id: string } };
  expect(body.error.code).toBe("payload_too_large");
  expect(body.error.request_id).toBe(res.headers.get("x-request-id")!);
  expect(up.seen.length).toBe(before);
});

test("a body of exactly the limit passes", async () => {
  const res = await fetch(`${g.url}/small/upload`, { method: "POST", body: new Uint8Array(LIMIT) });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
});

test("413 payload_too_large for a chunked body that grows over the limit, and the target is not blamed", async () => {
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${g.url}/small/upload`, { method: "POST", body: chunked(pattern(LIMIT * 2), 32 * 1024), duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe("payload_too_large");
  }
  // A client's oversized body says nothing about the upstream's health.
  const view = g.gw.health().find((t) => t.url === up.url)!;
  expect(view.outlier.ejected).toBe(false);
  expect(view.outlier.consecutive_failures).toBe(0);
  expect(view.breaker.failure_rate_percent).toBe(0);
  await waitFor(() => g.gw.health().find((t) => t.url === up.url)!.inflight === 0, 2000, "inflight back to 0");
  const ok = await fetch(`${g.url}/small/after`);
  expect(ok.status).toBe(200);
  await ok.arrayBuffer();
});
