import { expect, test } from "bun:test";
import { startGateway } from "../../src/gateway/server.ts";
import { openStore } from "../../src/store/open.ts";
import { emptyRecord, type CallRecord } from "../../src/telemetry/call-record.ts";
import { LogQueue, type CallLogSink } from "../../src/telemetry/log-queue.ts";

function withBody(i: number, size = 100): CallRecord {
  const r = emptyRecord(`r${i}`, Date.now(), "POST", "h", `/p/${i}`, "127.0.0.1");
  r.bodies = { request_headers: { "content-type": "text/plain" }, request_body: "x".repeat(size), response_headers: {}, response_body: "y", truncated: false };
  return r;
}

class GatedSink implements CallLogSink {
  readonly written: CallRecord[] = [];
  private release!: () => void;
  private readonly gate = new Promise<void>((r) => (this.release = r));
  async write(batch: CallRecord[]): Promise<void> {
    await this.gate;
    this.written.push(...batch);
  }
  open(): void {
    this.release();
  }
  async close(): Promise<void> {}
}

test("under pressure bodies go first, then whole calls, and every drop is counted", async () => {
  const sink = new GatedSink();
  const q = new LogQueue(sink, 100, 10, 10_000);
  for (let i = 0; i < 10; i++) q.push(withBody(i)); // one batch leaves and waits on the stuck sink
  await Bun.sleep(1);
  for (let i = 10; i < 300; i++) q.push(withBody(i));
  // 100 fit in the queue: the first 50 with bodies, then the queue is half full and bodies are shed.
  expect(q.stats.bodiesDropped).toBe(50);
  expect(q.stats.droppedFull).toBe(190);
  expect(q.stats.dropped).toBe(190);
  sink.open();
  await q.close();
  expect(sink.written.length).toBe(110);
  expect(q.stats.written + q.stats.dropped).toBe(300);
  const kept = sink.written.filter((r) => r.bodies !== null).map((r) => r.request_id);
  expect(kept).toEqual(Array.from({ length: 60 }, (_, i) => `r${i}`));
  expect(q.stats.bodyBytes).toBe(0);
});

test("bodies beyond the byte budget are shed while their calls are kept", async () => {
  const sink = new GatedSink();
  const q = new LogQueue(sink, 1000, 500, 10_000, 1000);
  for (let i = 0; i < 5; i++) q.push(withBody(i, 300));
  expect(q.stats.bodiesDropped).toBe(2);
  expect(q.stats.bodyBytes).toBeLessThanOrEqual(1000);
  sink.open();
  await q.close();
  expect(sink.written.length).toBe(5);
  expect(sink.written.filter((r) => r.bodies).length).toBe(3);
});

test("a write failure is counted apart from a full queue", async () => {
  const q = new LogQueue({ write: async () => Promise.reject(new Error("disk full")), close: async () => {} }, 1000, 5, 10_000);
  const err = console.error;
  console.error = () => {};
  try {
    for (let i = 0; i < 5; i++) q.push(withBody(i));
    await q.flush();
  } finally {
    console.error = err;
  }
  expect(q.stats.droppedFailed).toBe(5);
  expect(q.stats.droppedFull).toBe(0);
  expect(q.stats.dropped).toBe(5);
  await q.close();
});

test("requests are answered while the call log store is stuck", async () => {
  const store = await openStore("sqlite::memory:");
  const stuck = new GatedSink();
  const gw = await startGateway({ store, proxy: { hostname: "127.0.0.1", port: 0 }, admin: null, callLog: stuck, pollMs: 50 });
  try {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => fetch(`${gw.proxyUrl}/nothing/${i}`)));
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(404));
    expect(gw.queue?.stats.written).toBe(0);
  } finally {
    stuck.open();
    await gw.stop();
    await store.close();
  }
});
