/**
 * pumpStream with a scripted upstream: pulled by the client (never reads
 * ahead), idle timeout between chunks, clean error endings, and a client
 * that goes away cancelling the upstream at once.
 */
import { expect, test } from "bun:test";
import type { StreamEncoder } from "../../../src/ai/dialect.ts";
import type { DecodedStreamItem, StreamDecoder } from "../../../src/ai/provider.ts";
import type { ByteReader, StartedStream } from "../../../src/ai/runtime/send.ts";
import { pumpStream, type StreamEnd } from "../../../src/ai/runtime/stream-pump.ts";
import type { ChatStreamEvent } from "../../../src/ai/types.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** An upstream of `chunks` text pieces; each read can be held back, and rejects once aborted (as a fetch body does). */
function upstream(chunks: string[], opts: { hold?: (i: number) => Promise<void>; deaf?: boolean } = {}) {
  const abort = new AbortController();
  const state = { reads: 0, cancelled: false };
  const reader: ByteReader = {
    async read() {
      const i = state.reads++;
      const aborted = new Promise<never>((_, reject) => {
        if (abort.signal.aborted) reject(new Error("aborted"));
        abort.signal.addEventListener("abort", () => reject(new Error("The operation was aborted.")), { once: true });
      });
      aborted.catch(() => {});
      await Promise.race(opts.deaf ? [opts.hold?.(i)] : [opts.hold?.(i) ?? Promise.resolve(), aborted]);
      const c = chunks[i];
      return c === undefined ? { done: true as const } : { done: false as const, value: enc.encode(c) };
    },
    async cancel() {
      state.cancelled = true;
    },
  };
  /** One text event per chunk; a chunk "!err" is an in-stream provider error. */
  const decoder: StreamDecoder = {
    push(chunk): DecodedStreamItem[] {
      const text = dec.decode(chunk);
      if (text === "!err") return [{ type: "error", error: { kind: "overloaded", status: 529, message: "overloaded mid-stream" } }];
      return [{ type: "text", choice: 0, text }];
    },
    end: () => [{ type: "finish", choice: 0, reason: "stop" }],
  };
  return { abort, state, reader, decoder };
}

const encoder: StreamEncoder = {
  event: (ev) => (ev.type === "text" ? `T:${ev.text}\n` : `E:${ev.type}\n`),
  done: () => "DONE\n",
  error: (code, message) => `ERR:${code}:${message}\n`,
};

function pump(u: ReturnType<typeof upstream>, idleMs = 5000, head: DecodedStreamItem[] = [{ type: "text", choice: 0, text: "head" }]) {
  const ends: StreamEnd[] = [];
  const seen: ChatStreamEvent[] = [];
  const stream: StartedStream = { head, reader: u.reader, decoder: u.decoder, abort: u.abort, finished: false };
  const body = pumpStream({
    stream,
    encoder,
    idleMs,
    observe: (ev) => void seen.push(ev),
    finish(end) {
      ends.push(end);
      return end.kind === "complete" ? [{ type: "usage", usage: { inputTokens: 1, outputTokens: 2, estimated: true } }] : [];
    },
  });
  return { body, ends, seen };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(body).text();
}

test("a complete stream: head, every chunk in order, the finish events, then done", async () => {
  const u = upstream(["a", "b", "c"]);
  const p = pump(u);
  expect(await readAll(p.body)).toBe("T:head\nT:a\nT:b\nT:c\nE:finish\nE:usage\nDONE\n");
  expect(p.ends).toEqual([{ kind: "complete" }]);
  expect(p.seen.map((e) => e.type)).toEqual(["text", "text", "text", "text", "finish"]);
});

test("backpressure: the upstream is read only as fast as the client reads", async () => {
  const u = upstream(Array.from({ length: 200 }, (_, i) => `c${i}`));
  const p = pump(u);
  const reader = p.body.getReader();
  for (let i = 0; i < 5; i++) {
    await reader.read();
    // Give an eager implementation every chance to read ahead.
    await Bun.sleep(5);
    expect(u.state.reads).toBeLessThanOrEqual(i + 1);
  }
  expect(u.state.reads).toBeGreaterThanOrEqual(4);
  await reader.cancel();
});

test("a client that goes away cancels the upstream at once", async () => {
  let release!: () => void;
  const u = upstream(["a", "b"], { hold: (i) => (i === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve()) });
  const p = pump(u);
  const reader = p.body.getReader();
  await reader.read();
  await reader.read();
  const pending = reader.read();
  await Bun.sleep(5);
  await reader.cancel();
  expect(u.abort.signal.aborted).toBe(true);
  expect(u.state.cancelled).toBe(true);
  expect(p.ends).toEqual([{ kind: "cancelled" }]);
  release();
  await pending.catch(() => {});
  expect(p.ends.length).toBe(1);
});

test("a read that still delivers data after the client went away is dropped quietly", async () => {
  let release!: () => void;
  const u = upstream(["a", "b", "c"], { deaf: true, hold: (i) => (i === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve()) });
  const p = pump(u);
  const reader = p.body.getReader();
  await reader.read();
  await reader.read();
  const pending = reader.read();
  await Bun.sleep(5);
  await reader.cancel();
  release();
  await pending.catch(() => {});
  await Bun.sleep(5);
  expect(p.ends).toEqual([{ kind: "cancelled" }]);
  expect(u.state.reads).toBe(2);
});

test("no data for idle_ms: the stream ends with a clean timeout error event", async () => {
  const u = upstream(["a", "b"], { hold: (i) => (i === 1 ? new Promise<void>(() => {}) : Promise.resolve()) });
  const p = pump(u, 60);
  const started = performance.now();
  const text = await readAll(p.body);
  expect(performance.now() - started).toBeLessThan(1000);
  expect(text).toBe("T:head\nT:a\nERR:upstream_timeout:no data from the provider for 60 ms\n");
  expect(p.ends).toMatchObject([{ kind: "failed", error: { kind: "timeout" } }]);
  expect(u.abort.signal.aborted).toBe(true);
});

test("slow but steady chunks under idle_ms each are not a timeout", async () => {
  const u = upstream(["a", "b", "c"], { hold: () => Bun.sleep(30) });
  const p = pump(u, 80);
  expect(await readAll(p.body)).toEndWith("DONE\n");
});

test("an in-stream provider error ends the stream with that error, and the upstream is released", async () => {
  const u = upstream(["a", "!err", "never"]);
  const p = pump(u);
  expect(await readAll(p.body)).toBe("T:head\nT:a\nERR:overloaded:overloaded mid-stream\n");
  expect(p.ends).toMatchObject([{ kind: "failed", error: { kind: "overloaded" } }]);
  expect(u.state.cancelled).toBe(true);
});

test("a head that already holds the whole stream is sent without reading upstream", async () => {
  const u = upstream([]);
  const stream: StartedStream = {
    head: [
      { type: "text", choice: 0, text: "all" },
      { type: "finish", choice: 0, reason: "stop" },
    ],
    reader: u.reader,
    decoder: u.decoder,
    abort: u.abort,
    finished: true,
  };
  const ends: StreamEnd[] = [];
  const body = pumpStream({ stream, encoder, idleMs: 1000, observe() {}, finish: (e) => (ends.push(e), []) });
  expect(await readAll(body)).toBe("T:all\nE:finish\nDONE\n");
  expect(u.state.reads).toBe(0);
});

/** Holds text back until a chunk ends with a space (or the choice finishes), upper-cases it, and refuses any text containing "bad". */
function holdingFilter() {
  let held = "";
  return {
    push(ev: ChatStreamEvent): ChatStreamEvent[] | { code: string; message: string } {
      if (ev.type === "finish" && held) {
        const out: ChatStreamEvent[] = [{ type: "text", choice: 0, text: held.toUpperCase() }, ev];
        held = "";
        return out;
      }
      if (ev.type !== "text") return [ev];
      held += ev.text;
      if (held.includes("bad")) return { code: "guardrail_violation", message: "blocked" };
      if (!held.endsWith(" ")) return [];
      const out: ChatStreamEvent[] = [{ type: "text", choice: 0, text: held.toUpperCase() }];
      held = "";
      return out;
    },
    flush(): ChatStreamEvent[] | { code: string; message: string } {
      if (held.includes("bad")) return { code: "guardrail_violation", message: "blocked at the end" };
      return held ? [{ type: "text", choice: 0, text: held.toUpperCase() }] : [];
    },
  };
}

function filtered(u: ReturnType<typeof upstream>) {
  const ends: StreamEnd[] = [];
  const seen: ChatStreamEvent[] = [];
  const stream: StartedStream = { head: [], reader: u.reader, decoder: u.decoder, abort: u.abort, finished: false };
  const body = pumpStream({ stream, encoder, idleMs: 5000, filter: holdingFilter(), observe: (ev) => void seen.push(ev), finish: (e) => (ends.push(e), []) });
  return { body, ends, seen };
}

test("a filter may hold text back and release it later, before the choice's finish", async () => {
  const u = upstream(["ab", "c ", "de", "f"]);
  const p = filtered(u);
  expect(await readAll(p.body)).toBe("T:ABC \nT:DEF\nE:finish\nDONE\n");
  expect(p.ends).toEqual([{ kind: "complete" }]);
  // The meter sees what the provider sent, not what the filter let through.
  expect(p.seen.filter((e) => e.type === "text").map((e) => (e.type === "text" ? e.text : ""))).toEqual(["ab", "c ", "de", "f"]);
});

test("a filter's refusal mid-stream ends it with an error event and aborts the upstream", async () => {
  const u = upstream(["ok ", "ba", "d ", "never"]);
  const p = filtered(u);
  expect(await readAll(p.body)).toBe("T:OK \nERR:guardrail_violation:blocked\n");
  expect(p.ends).toEqual([{ kind: "refused", code: "guardrail_violation", message: "blocked" }]);
  expect(u.abort.signal.aborted).toBe(true);
  expect(u.state.reads).toBeLessThan(4);
});

test("a refusal when the filter is flushed at the end still ends the stream with an error, not done", async () => {
  const u = upstream(["fine ", "ba"]);
  const stream: StartedStream = { head: [], reader: u.reader, decoder: u.decoder, abort: u.abort, finished: false };
  const ends: StreamEnd[] = [];
  const f = holdingFilter();
  const body = pumpStream({
    stream,
    encoder,
    idleMs: 5000,
    filter: { push: f.push, flush: () => ({ code: "guardrail_violation", message: "blocked at the end" }) },
    observe() {},
    finish: (e) => (ends.push(e), []),
  });
  expect(await readAll(body)).toBe("T:FINE \nT:BA\nE:finish\nERR:guardrail_violation:blocked at the end\n");
  expect(ends).toEqual([{ kind: "refused", code: "guardrail_violation", message: "blocked at the end" }]);
});
