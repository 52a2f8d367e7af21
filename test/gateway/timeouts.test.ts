import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

let g: TestGateway;
const up = new FaultUpstream("a");
const TTFB = 300;
const IDLE = 200;
const TOTAL = 700;
let deadPort: number;

const noRetry = { attempts: 1 };
// Failures here are deliberate; keep the target in rotation so each test sees the fault itself.
const lenient = { outlier_detection: { enabled: false }, circuit_breaker: { enabled: false } };

beforeAll(async () => {
  up.start();
  const dead = new FaultUpstream("dead").start();
  deadPort = dead.port;
  dead.stop();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u1", targets: [{ url: up.url }], timeouts: { ttfb_ms: TTFB, idle_ms: IDLE, total_ms: 60_000 }, ...lenient });
  const t = await g.create("upstreams", { name: "total", targets: [{ url: up.url }], timeouts: { ttfb_ms: 5000, idle_ms: 5000, total_ms: TOTAL }, ...lenient });
  const d = await g.create("upstreams", { name: "dead", targets: [{ url: `http://127.0.0.1:${deadPort}` }], timeouts: { connect_ms: 500 }, ...lenient });
  const s = await g.create("services", { name: "s", upstream_id: u.id, retry: noRetry });
  const st = await g.create("services", { name: "st", upstream_id: t.id, retry: noRetry });
  const sd = await g.create("services", { name: "sd", upstream_id: d.id, retry: noRetry });
  await g.create("routes", { name: "r", service_id: s.id, paths: ["/t"] });
  await g.create("routes", { name: "rt", service_id: st.id, paths: ["/total"] });
  await g.create("routes", { name: "rd", service_id: sd.id, paths: ["/dead"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

interface ErrorBody {
  error: { code: string; request_id: string };
}

/** Reads the whole body; returns what arrived and whether the transfer failed. */
async function readAll(res: Response): Promise<{ text: string; failed: boolean }> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, failed: false };
      text += dec.decode(value);
    }
  } catch {
    return { text, failed: true };
  }
}

test("a hanging upstream gives 504 upstream_timeout after ttfb_ms", async () => {
  up.mode = { kind: "hang" };
  try {
    const start = performance.now();
    const res = await fetch(`${g.url}/t/hang`);
    const elapsed = performance.now() - start;
    expect(res.status).toBe(504);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("upstream_timeout");
    expect(elapsed).toBeGreaterThanOrEqual(TTFB - 5);
    expect(elapsed).toBeLessThan(TTFB + 400);
    const rec = await g.record(body.error.request_id);
    expect(rec.error_code).toBe("upstream_timeout");
    expect(rec.status).toBe(504);
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("a pause between body chunks longer than idle_ms aborts the client's body", async () => {
  up.mode = { kind: "slow_body", chunks: 3, gapMs: IDLE * 3 };
  try {
    const res = await fetch(`${g.url}/t/idle`);
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id")!;
    const { text, failed } = await readAll(res);
    expect(failed).toBe(true);
    expect(text).toContain("chunk-0");
    expect(text).not.toContain("chunk-2");
    const rec = await g.record(id);
    expect(rec.error_code).toBe("upstream_timeout");
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("total_ms bounds a response that is slow to start", async () => {
  up.mode = { kind: "ok", latencyMs: TOTAL + 1000 };
  try {
    const start = performance.now();
    const res = await fetch(`${g.url}/total/slow`);
    const elapsed = performance.now() - start;
    expect(res.status).toBe(504);
    expect(((await res.json()) as ErrorBody).error.code).toBe("upstream_timeout");
    expect(elapsed).toBeLessThan(TOTAL + 400);
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("total_ms bounds a body whose chunks each come within idle_ms", async () => {
  up.mode = { kind: "slow_body", chunks: 20, gapMs: 100 };
  try {
    const start = performance.now();
    const res = await fetch(`${g.url}/total/drip`);
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id")!;
    const { text, failed } = await readAll(res);
    const elapsed = performance.now() - start;
    expect(failed).toBe(true);
    expect(text).toContain("chunk-0");
    expect(text).not.toContain("chunk-19");
    expect(elapsed).toBeLessThan(TOTAL + 400);
    expect((await g.record(id)).error_code).toBe("upstream_timeout");
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("connection refused gives 502 upstream_connect_failed", async () => {
  const res = await fetch(`${g.url}/dead/x`);
  expect(res.status).toBe(502);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe("upstream_connect_failed");
  expect((await g.record(body.error.request_id)).error_code).toBe("upstream_connect_failed");
});

test("a reset before the response gives 502 upstream_reset", async () => {
  up.mode = { kind: "reset" };
  try {
    const res = await fetch(`${g.url}/t/reset`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("upstream_reset");
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("a streamed body cut midway reaches the client as a failed transfer, not a short success", async () => {
  up.mode = { kind: "cut_body", length: 200_000 };
  try {
    const res = await fetch(`${g.url}/t/cut`);
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id")!;
    const { text, failed } = await readAll(res);
    expect(failed).toBe(true);
    expect(text.length).toBeLessThan(200_000);
    const rec = await g.record(id);
    expect(rec.error_code).toBe("upstream_reset");
    expect(rec.response_bytes).toBeLessThan(200_000);
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("a small body cut midway is read whole before relaying, so the client gets a clean 502 instead", async () => {
  up.mode = { kind: "cut_body", length: 10_000 };
  try {
    const res = await fetch(`${g.url}/t/cut-small`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("upstream_reset");
    const rec = await g.record(res.headers.get("x-request-id")!);
    expect(rec.error_code).toBe("upstream_reset");
  } finally {
    up.mode = { kind: "ok" };
  }
});

test("the gateway keeps serving after all of the above", async () => {
  const res = await fetch(`${g.url}/t/ok`);
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  for (const t of g.gw.health()) expect(t.inflight).toBe(0);
});
