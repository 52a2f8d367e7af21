import { expect, test } from "bun:test";
import { emptyRecord, type CallRecord } from "../../src/telemetry/call-record.ts";
import { LogQueue, type CallLogSink } from "../../src/telemetry/log-queue.ts";

const rec = (i: number): CallRecord => emptyRecord(`r${i}`, Date.now(), "GET", "h", `/p/${i}`, "127.0.0.1");

class SlowSink implements CallLogSink {
  batches: CallRecord[][] = [];
  release: (() => void) | undefined;
  gate: Promise<void> | undefined;
  async write(batch: CallRecord[]): Promise<void> {
    this.batches.push(batch);
    if (this.gate) await this.gate;
  }
  async close(): Promise<void> {}
}

test("push never blocks and drops beyond capacity, counting every drop", async () => {
  const sink = new SlowSink();
  sink.gate = new Promise((r) => (sink.release = r));
  const q = new LogQueue(sink, 100, 10, 10_000);
  for (let i = 0; i < 10; i++) q.push(rec(i)); // fills one batch → flush starts and blocks on the gate
  await Bun.sleep(1);
  for (let i = 10; i < 300; i++) q.push(rec(i));
  expect(q.stats.dropped).toBe(300 - 10 - 100);
  sink.release?.();
  await q.close();
  const written = sink.batches.flat();
  expect(written.length).toBe(110);
  expect(q.stats.written).toBe(110);
  expect(new Set(written.map((r) => r.request_id)).size).toBe(110);
  expect(Math.max(...sink.batches.map((b) => b.length))).toBeLessThanOrEqual(10);
});

test("a failing sink loses only its batch, counted, and the queue keeps working", async () => {
  let fail = true;
  const got: CallRecord[] = [];
  const q = new LogQueue(
    {
      async write(batch) {
        if (fail) throw new Error("disk full");
        got.push(...batch);
      },
      async close() {},
    },
    1000,
    5,
    10_000,
  );
  const err = console.error;
  console.error = () => {};
  try {
    for (let i = 0; i < 5; i++) q.push(rec(i));
    await q.flush();
    expect(q.stats.failedBatches).toBe(1);
    expect(q.stats.dropped).toBe(5);
    fail = false;
    for (let i = 5; i < 8; i++) q.push(rec(i));
    await q.close();
    expect(got.map((r) => r.request_id)).toEqual(["r5", "r6", "r7"]);
  } finally {
    console.error = err;
  }
});

test("the timer flushes partial batches", async () => {
  const got: CallRecord[] = [];
  const q = new LogQueue({ async write(b) { got.push(...b); }, async close() {} }, 1000, 500, 20);
  q.push(rec(1));
  const deadline = Date.now() + 2000;
  while (got.length === 0 && Date.now() < deadline) await Bun.sleep(5);
  expect(got.length).toBe(1);
  await q.close();
});
