/**
 * Trace context through a running gateway: what the upstream and the AI
 * providers see, what the call record keeps, and the spans an OTLP
 * collector receives.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockProviders, type MockProvidersServer } from "../../../src/mock/server.ts";
import { INPUT_SCHEMAS, type Kind } from "../../../src/config/entities.ts";
import { type RunningGateway, startGateway } from "../../../src/gateway/server.ts";
import { openStore } from "../../../src/store/open.ts";
import type { EntityData, Store } from "../../../src/store/store.ts";
import type { CallRecord } from "../../../src/telemetry/call-record.ts";
import { parseTraceparent } from "../../../src/telemetry/tracing/traceparent.ts";
import { FaultUpstream } from "../../support/fault-upstream.ts";
import { MemorySink, TEST_SECRETS, providerData } from "../../support/gateway.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";

let store: Store;
let gw: RunningGateway;
const sink = new MemorySink();
const up = new FaultUpstream("traced");
let mock: MockProvidersServer;
let collector: ReturnType<typeof Bun.serve>;
const posts: Array<{ contentType: string | null; body: any }> = [];

async function create(kind: Kind, input: Record<string, unknown>): Promise<{ id: string }> {
  return store.create(kind, INPUT_SCHEMAS[kind].parse(input) as unknown as EntityData<typeof kind>);
}

beforeAll(async () => {
  up.start();
  mock = await startMockProviders({ hostname: "127.0.0.1", port: 0 });
  collector = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      if (req.method !== "POST" || new URL(req.url).pathname !== "/v1/traces") return new Response("no", { status: 404 });
      posts.push({ contentType: req.headers.get("content-type"), body: await req.json() });
      return Response.json({ partialSuccess: {} });
    },
  });
  store = await openStore("sqlite::memory:");
  const u = await create("upstreams", { name: "traced", targets: [{ url: up.url }], outlier_detection: { enabled: false }, circuit_breaker: { enabled: false } });
  const s = await create("services", { name: "traced", upstream_id: u.id, retry: { attempts: 2, on_statuses: [503] } });
  await create("routes", { name: "traced", service_id: s.id, paths: ["/t"] });
  await store.create("providers", providerData({ name: "oa", kind: "openai", base_url: `${mock.url}/openai/v1`, keys: [{ name: "k1", secret: "sk-test-one" }], models: ["gpt-4o-mini"] }));
  const ai = await create("services", { name: "ai", kind: "ai" });
  await create("routes", { name: "ai", service_id: ai.id, paths: ["/v1"] });
  gw = await startGateway({
    store,
    proxy: { hostname: "127.0.0.1", port: 0 },
    admin: null,
    callLog: sink,
    pollMs: 50,
    secrets: TEST_SECRETS,
    otlp: { endpoint: `http://127.0.0.1:${collector.port}`, flushMs: 60_000, serviceName: "waygate-test", version: "9.9.9" },
  });
});
afterAll(async () => {
  await gw.stop();
  await store.close();
  await mock.stop();
  await collector.stop(true);
  up.stop();
});

async function recordOf(res: Response): Promise<CallRecord> {
  await res.text();
  const id = res.headers.get("x-request-id");
  for (let i = 0; i < 100; i++) {
    await gw.queue?.flush();
    const r = sink.records.find((x) => x.request_id === id);
    if (r) return r;
    await Bun.sleep(10);
  }
  throw new Error(`no record for ${id}`);
}

function seenTraceparent(): string {
  return up.seen.at(-1)!.headers.traceparent!;
}

describe("traceparent propagation", () => {
  test("a valid traceparent is continued: same trace id, a new parent id, tracestate passed on", async () => {
    up.mode = { kind: "ok", body: "hi" };
    const res = await fetch(`${gw.proxyUrl}/t/a`, { headers: { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: "vendor=abc" } });
    expect(res.status).toBe(200);
    const seen = parseTraceparent(seenTraceparent());
    expect(seen?.traceId).toBe(TRACE);
    expect(seen?.parentId).not.toBe(PARENT);
    expect(seen?.flags).toBe(1);
    expect(up.seen.at(-1)!.headers.tracestate).toBe("vendor=abc");
    const r = await recordOf(res);
    expect(r.trace_id).toBe(TRACE);
    expect(r.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(r.span_id).not.toBe(seen?.parentId);
  });

  test("a malformed traceparent is replaced by a new trace, and its tracestate dropped", async () => {
    const res = await fetch(`${gw.proxyUrl}/t/b`, { headers: { traceparent: `00-${"0".repeat(32)}-${PARENT}-01`, tracestate: "vendor=abc" } });
    const seen = parseTraceparent(seenTraceparent());
    expect(seen).not.toBeNull();
    expect(seen?.traceId).not.toBe("0".repeat(32));
    expect(up.seen.at(-1)!.headers.tracestate).toBeUndefined();
    expect((await recordOf(res)).trace_id).toBe(seen!.traceId);
  });

  test("without a traceparent the gateway starts a sampled trace", async () => {
    const res = await fetch(`${gw.proxyUrl}/t/c`);
    const seen = parseTraceparent(seenTraceparent());
    expect(seen?.flags).toBe(1);
    expect((await recordOf(res)).trace_id).toBe(seen!.traceId);
  });

  test("each retry attempt is its own child span of the same trace", async () => {
    const before = up.seen.length;
    up.queue = [{ kind: "status", status: 503 }];
    up.mode = { kind: "ok", body: "second" };
    const res = await fetch(`${gw.proxyUrl}/t/retry`, { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    expect(res.status).toBe(200);
    const [first, second] = up.seen.slice(before).map((s) => parseTraceparent(s.headers.traceparent ?? null));
    expect(first?.traceId).toBe(TRACE);
    expect(second?.traceId).toBe(TRACE);
    expect(first?.parentId).not.toBe(second?.parentId);
    expect((await recordOf(res)).attempts).toBe(2);
  });

  test("AI provider calls carry the trace too", async () => {
    const before = mock.control.requests.length;
    const res = await fetch(`${gw.proxyUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${TRACE}-${PARENT}-01` },
      body: JSON.stringify({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: "hello" }] }),
    });
    expect(res.status).toBe(200);
    const sent = mock.control.requests.slice(before);
    expect(sent.length).toBe(1);
    const seen = parseTraceparent(sent[0]!.headers.traceparent ?? null);
    expect(seen?.traceId).toBe(TRACE);
    expect(seen?.parentId).not.toBe(PARENT);
    expect((await recordOf(res)).trace_id).toBe(TRACE);
  });
});

describe("OTLP export", () => {
  test("one server span per request with a client span per attempt, in OTLP/JSON", async () => {
    await gw.otlp!.flush();
    posts.length = 0;
    const before = up.seen.length;
    up.queue = [{ kind: "status", status: 503 }];
    up.mode = { kind: "ok", body: "ok" };
    const res = await fetch(`${gw.proxyUrl}/t/otlp?q=1`, { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    const record = await recordOf(res);
    // An unsampled caller's trace is propagated but not exported.
    const quiet = await fetch(`${gw.proxyUrl}/t/quiet`, { headers: { traceparent: `00-${"a".repeat(32)}-${PARENT}-00` } });
    await recordOf(quiet);
    expect(parseTraceparent(seenTraceparent())?.flags).toBe(0);
    await gw.otlp!.flush();

    expect(posts.length).toBe(1);
    expect(posts[0]!.contentType).toBe("application/json");
    const body = posts[0]!.body;
    expect(body.resourceSpans).toHaveLength(1);
    const rs = body.resourceSpans[0];
    expect(rs.resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "waygate-test" } });
    expect(rs.scopeSpans[0].scope).toEqual({ name: "waygate", version: "9.9.9" });
    const spans = rs.scopeSpans[0].spans as any[];
    expect(spans.every((s) => s.traceId !== "a".repeat(32))).toBe(true);
    expect(spans).toHaveLength(3);

    const [server, a1, a2] = spans;
    expect(server).toMatchObject({ traceId: TRACE, spanId: record.span_id, parentSpanId: PARENT, kind: 2, name: "GET", status: { code: 1 } });
    expect(server.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(BigInt(server.endTimeUnixNano) >= BigInt(server.startTimeUnixNano)).toBe(true);
    expect(server.attributes).toContainEqual({ key: "http.response.status_code", value: { intValue: "200" } });
    expect(server.attributes).toContainEqual({ key: "url.path", value: { stringValue: "/t/otlp" } });
    expect(server.attributes).toContainEqual({ key: "waygate.request_id", value: { stringValue: record.request_id } });
    expect(server.attributes).toContainEqual({ key: "waygate.attempts", value: { intValue: "2" } });

    const seen = up.seen.slice(before, before + 2).map((s) => parseTraceparent(s.headers.traceparent ?? null)!.parentId);
    for (const [span, parentSeen, status, code] of [[a1, seen[0], "503", 2], [a2, seen[1], "200", 1]] as const) {
      expect(span).toMatchObject({ traceId: TRACE, spanId: parentSeen, parentSpanId: record.span_id, kind: 3, name: "GET traced", status: { code } });
      expect(span.attributes).toContainEqual({ key: "http.response.status_code", value: { intValue: status } });
      expect(span.attributes).toContainEqual({ key: "url.full", value: { stringValue: `${up.url}/` } });
      expect(BigInt(span.startTimeUnixNano) >= BigInt(server.startTimeUnixNano)).toBe(true);
      expect(BigInt(span.endTimeUnixNano) <= BigInt(server.endTimeUnixNano)).toBe(true);
    }
    expect(a1.status.message).toBe("status 503");
  });

  test("a 5xx call is an error span; a collector that fails loses the batch and counts it", async () => {
    await gw.otlp!.flush();
    posts.length = 0;
    up.mode = { kind: "status", status: 500 };
    await recordOf(await fetch(`${gw.proxyUrl}/t/err`));
    await gw.otlp!.flush();
    const server = posts[0]!.body.resourceSpans[0].scopeSpans[0].spans[0];
    expect(server.status).toEqual({ code: 2, message: "status 500" });
    expect(server.parentSpanId).toBeUndefined();

    const failedBefore = gw.otlp!.stats.failedPosts;
    await collector.stop(true);
    await recordOf(await fetch(`${gw.proxyUrl}/t/lost`));
    await gw.otlp!.flush();
    expect(gw.otlp!.stats.failedPosts).toBe(failedBefore + 1);
    expect(gw.metrics.render()).toContain(`waygate_otlp_calls_dropped_total ${gw.otlp!.stats.droppedCalls}`);
    expect(gw.otlp!.stats.droppedCalls).toBeGreaterThanOrEqual(1);
  });
});
