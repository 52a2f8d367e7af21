import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

let g: TestGateway;
const a = new FaultUpstream("a");
const b = new FaultUpstream("b");
const c = new FaultUpstream("c");
const solo = new FaultUpstream("solo");
let deadUrl: string;

// The resilience state machines are tested elsewhere; here they stay out of the way.
const lenient = { outlier_detection: { enabled: false }, circuit_breaker: { enabled: false } };
const retry = { attempts: 2, backoff_base_ms: 1, backoff_max_ms: 5, budget_min_per_second: 1000 };

beforeAll(async () => {
  for (const u of [a, b, c, solo]) u.start();
  const dead = new FaultUpstream().start();
  deadUrl = dead.url;
  dead.stop();
  g = await startTestGateway();
  const pair = await g.create("upstreams", { name: "pair", targets: [{ url: a.url }, { url: b.url }], ...lenient });
  const withDead = await g.create("upstreams", { name: "with-dead", targets: [{ url: deadUrl }, { url: c.url }], ...lenient });
  const trio = await g.create("upstreams", { name: "trio", targets: [{ url: a.url }, { url: b.url }, { url: c.url }], ...lenient });
  const one = await g.create("upstreams", { name: "one", targets: [{ url: solo.url }], ...lenient });
  const svc = async (name: string, upstream_id: string, r: Record<string, unknown>, path: string) => {
    const s = await g.create("services", { name, upstream_id, retry: { ...retry, ...r } });
    await g.create("routes", { name, service_id: s.id, paths: [path] });
  };
  await svc("pair", pair.id, {}, "/pair");
  await svc("pair-post", pair.id, { retry_non_idempotent: true }, "/pair-nonidem");
  await svc("dead", withDead.id, {}, "/dead");
  await svc("trio", trio.id, { attempts: 3 }, "/trio");
  await svc("solo", one.id, { attempts: 4, max_retry_after_ms: 1500 }, "/solo");
  await svc("budget", one.id, { attempts: 3, budget_percent: 20, budget_min_per_second: 0.5 }, "/budget");
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  for (const u of [a, b, c, solo]) u.stop();
});

const reset = () => {
  for (const u of [a, b, c, solo]) {
    u.mode = { kind: "ok" };
    u.queue = [];
  }
};

async function call(path: string, init?: RequestInit) {
  const res = await fetch(g.url + path, init);
  const text = await res.text();
  return { res, text, record: await g.record(res.headers.get("x-request-id")!) };
}

test("a connect failure is retried on another target, for GET and POST alike", async () => {
  reset();
  let retried = 0;
  for (let i = 0; i < 6; i++) {
    const { res, record } = await call("/dead/x", { method: i % 2 ? "POST" : "GET", body: i % 2 ? "payload" : undefined });
    expect(res.status).toBe(200);
    expect(record.target).toBe(c.url);
    if (record.attempts === 2) retried++;
  }
  // Round robin over two targets sends about half the first attempts to the dead one.
  expect(retried).toBeGreaterThanOrEqual(2);
  expect(c.seen.filter((r) => r.method === "POST").every((r) => r.body === "payload")).toBe(true);
});

test("a 503 is retried on a different target", async () => {
  reset();
  a.mode = { kind: "status", status: 503 };
  const aBefore = a.seen.length;
  for (let i = 0; i < 6; i++) {
    const { res, record } = await call("/pair/x");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-upstream")).toBe("b");
    expect(record.target).toBe(b.url);
  }
  expect(a.seen.length).toBeGreaterThan(aBefore);
  reset();
});

test("POST is not retried on a 503 unless retry_non_idempotent is set", async () => {
  reset();
  a.mode = { kind: "status", status: 503 };
  let sawA = 0;
  for (let i = 0; i < 6; i++) {
    const before = { a: a.seen.length, b: b.seen.length };
    const { res, record } = await call("/pair/x", { method: "POST", body: "p" });
    if (a.seen.length > before.a) {
      sawA++;
      expect(res.status).toBe(503);
      expect(record.attempts).toBe(1);
      expect(b.seen.length).toBe(before.b);
    } else expect(res.status).toBe(200);
  }
  expect(sawA).toBeGreaterThanOrEqual(2);

  for (let i = 0; i < 6; i++) {
    const { res } = await call("/pair-nonidem/x", { method: "POST", body: "p" });
    expect(res.status).toBe(200);
  }
  reset();
});

test("429 with a short Retry-After is retried after waiting that long", async () => {
  reset();
  solo.queue = [{ kind: "status", status: 429, headers: { "retry-after": "1" } }];
  const before = solo.seen.length;
  const start = performance.now();
  const { res, record } = await call("/solo/x");
  const elapsed = performance.now() - start;
  expect(res.status).toBe(200);
  expect(solo.seen.length - before).toBe(2);
  expect(record.attempts).toBe(2);
  expect(elapsed).toBeGreaterThanOrEqual(950);
  expect(solo.seen[before + 1]!.at - solo.seen[before]!.at).toBeGreaterThanOrEqual(950);
});

test("429 whose Retry-After exceeds max_retry_after_ms is returned to the client at once", async () => {
  reset();
  solo.queue = [{ kind: "status", status: 429, headers: { "retry-after": "5" } }];
  const before = solo.seen.length;
  const start = performance.now();
  const { res, record } = await call("/solo/x");
  expect(performance.now() - start).toBeLessThan(500);
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(solo.seen.length - before).toBe(1);
  expect(record.attempts).toBe(1);
});

test("attempts caps the number of tries, and the last answer reaches the client", async () => {
  reset();
  for (const u of [a, b, c]) u.mode = { kind: "status", status: 503, body: `{"from":"${u.name}"}` };
  const before = a.seen.length + b.seen.length + c.seen.length;
  const { res, text, record } = await call("/trio/x");
  expect(record.attempts).toBe(3);
  expect(a.seen.length + b.seen.length + c.seen.length - before).toBe(3);
  expect(res.status).toBe(503);
  expect(text).toContain('"from"');

  solo.mode = { kind: "status", status: 503 };
  const soloBefore = solo.seen.length;
  const single = await call("/solo/x");
  expect(single.res.status).toBe(503);
  // A single target is tried again rather than giving up after one attempt.
  expect(solo.seen.length - soloBefore).toBe(4);
  expect(single.record.attempts).toBe(4);
  reset();
});

test("the retry budget stops retries under sustained failure", async () => {
  reset();
  solo.mode = { kind: "status", status: 503 };
  const n = 60;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${g.url}/budget/x`);
    await res.arrayBuffer();
    expect(res.status).toBe(503);
    ids.push(res.headers.get("x-request-id")!);
  }
  const records = (await g.records()).filter((r) => ids.includes(r.request_id));
  expect(records.length).toBe(n);
  const retries = records.reduce((sum, r) => sum + r.attempts - 1, 0);
  // Budget: max(0.5/s × 10 s, 20 % of 60 first attempts) = 12 retries; unbudgeted it would be 120.
  expect(retries).toBeLessThanOrEqual(12);
  expect(retries).toBeGreaterThanOrEqual(5);
  reset();
});
