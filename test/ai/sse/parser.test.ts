import { describe, expect, test } from "bun:test";
import { parseSse, type SseEvent, SseParser } from "../../../src/ai/sse/parser.ts";

const enc = new TextEncoder();

function feed(chunks: Array<string | Uint8Array>, opts?: { dispatchIncompleteAtEnd?: boolean }): SseEvent[] {
  const p = new SseParser(opts);
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

describe("SseParser fields", () => {
  test("data with and without the space after the colon", () => {
    expect(parseSse("data: a\n\ndata:b\n\ndata:  c\n\n")).toEqual([{ data: "a" }, { data: "b" }, { data: " c" }]);
  });

  test("multi-line data is joined with LF", () => {
    expect(parseSse("data: one\ndata: two\ndata:\n\n")).toEqual([{ data: "one\ntwo\n" }]);
  });

  test("event type applies to one event only", () => {
    expect(parseSse("event: ping\ndata: 1\n\ndata: 2\n\n")).toEqual([{ event: "ping", data: "1" }, { data: "2" }]);
  });

  test("comments are ignored", () => {
    expect(parseSse(": keep-alive\n:\ndata: x\n: inside\n\n")).toEqual([{ data: "x" }]);
  });

  test("a block without data dispatches nothing and resets the event type", () => {
    expect(parseSse("event: a\n\ndata: x\n\n")).toEqual([{ data: "x" }]);
    expect(parseSse("event: a\nid: 1\n\n")).toEqual([]);
  });

  test("an empty data field dispatches an event with empty data", () => {
    expect(parseSse("data\n\ndata:\n\n")).toEqual([{ data: "" }, { data: "" }]);
  });

  test("a field name without colon has an empty value", () => {
    expect(parseSse("event\ndata: x\n\n")).toEqual([{ data: "x" }]);
  });

  test("unknown fields are ignored, field names are case-sensitive", () => {
    expect(parseSse("foo: bar\nData: y\nDATA: z\ndata: x\n\n")).toEqual([{ data: "x" }]);
  });

  test("id persists across events; an empty id resets it; an id with NUL is ignored", () => {
    expect(parseSse("id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 8\ndata: d\n\nid: 9\u0000\ndata: e\n\n")).toEqual([
      { id: "7", data: "a" },
      { id: "7", data: "b" },
      { data: "c" },
      { id: "8", data: "d" },
      { id: "8", data: "e" },
    ]);
  });

  test("retry must be ASCII digits", () => {
    expect(parseSse("retry: 1500\ndata: a\n\nretry: 1.5\ndata: b\n\nretry: x1\ndata: c\n\n")).toEqual([
      { retry: 1500, data: "a" },
      { data: "b" },
      { data: "c" },
    ]);
  });

  test("a colon in the value is kept", () => {
    expect(parseSse('data: {"a":"b: c"}\n\n')).toEqual([{ data: '{"a":"b: c"}' }]);
  });
});

describe("SseParser line endings and stream ends", () => {
  test("CR, LF and CRLF", () => {
    expect(parseSse("data: a\r\rdata: b\n\ndata: c\r\n\r\ndata: d\r\ndata: e\n\r\n")).toEqual([
      { data: "a" },
      { data: "b" },
      { data: "c" },
      { data: "d\ne" },
    ]);
  });

  test("a CR at the end of one chunk and LF at the start of the next is one line break", () => {
    expect(feed(["data: a\r", "\ndata: b\r", "\n\r", "\n"])).toEqual([{ data: "a\nb" }]);
  });

  test("a lone CR ending a chunk is a full line break", () => {
    expect(feed(["data: a\r", "\r", "data: b\n\n"])).toEqual([{ data: "a" }, { data: "b" }]);
  });

  test("an incomplete event at the end is discarded, per spec", () => {
    expect(feed(["data: a\n\ndata: b\n"])).toEqual([{ data: "a" }]);
    expect(feed(["data: a\n\ndata: b"])).toEqual([{ data: "a" }]);
  });

  test("dispatchIncompleteAtEnd dispatches the trailing event", () => {
    expect(feed(["data: a\n\ndata: b\n"], { dispatchIncompleteAtEnd: true })).toEqual([{ data: "a" }, { data: "b" }]);
    expect(feed(["event: x\ndata: [DONE]"], { dispatchIncompleteAtEnd: true })).toEqual([{ event: "x", data: "[DONE]" }]);
  });

  test("a leading BOM is skipped once, in bytes and in strings", () => {
    expect(feed([new Uint8Array([0xef, 0xbb]), new Uint8Array([0xbf]), enc.encode("data: a\n\n")])).toEqual([{ data: "a" }]);
    expect(feed(["\ufeffdata: a\n\n"])).toEqual([{ data: "a" }]);
    // A second BOM is content: the line's field name becomes "\ufeffdata", which is unknown.
    expect(feed(["\ufeff\ufeffdata: a\n\ndata: b\n\n"])).toEqual([{ data: "b" }]);
  });

  test("a multi-byte character split across chunks", () => {
    const bytes = enc.encode("data: héllo 🎉 wörld\n\n");
    const out: SseEvent[] = [];
    const p = new SseParser();
    for (const b of bytes) out.push(...p.push(new Uint8Array([b])));
    out.push(...p.end());
    expect(out).toEqual([{ data: "héllo 🎉 wörld" }]);
  });

  test("events are returned as soon as they complete", () => {
    const p = new SseParser();
    expect(p.push("data: a\n")).toEqual([]);
    expect(p.push("\ndata: b")).toEqual([{ data: "a" }]);
    expect(p.push("\n\n")).toEqual([{ data: "b" }]);
    expect(p.end()).toEqual([]);
  });
});

describe("SseParser property: any split gives the same events", () => {
  const stream =
    "\ufeff: hello\r\nevent: message-start\r\ndata: {\"a\":1}\r\n\r\n" +
    "id: 42\rdata: line1\rdata:line2\r\rretry: 300\ndata: ünï 🎉 ✓\n\n" +
    "data\n\nevent: end\ndata: [DONE]\r\n\r\n: trailing comment\n";
  const bytes = enc.encode(stream);
  const expected = parseSse(bytes);

  test("the reference parse", () => {
    expect(expected).toEqual([
      { event: "message-start", data: '{"a":1}' },
      { id: "42", data: "line1\nline2" },
      { id: "42", retry: 300, data: "ünï 🎉 ✓" },
      { id: "42", data: "" },
      { id: "42", event: "end", data: "[DONE]" },
    ]);
  });

  // A small deterministic PRNG keeps failures reproducible.
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  test("500 random byte splits", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed);
      const chunks: Uint8Array[] = [];
      let i = 0;
      while (i < bytes.length) {
        const n = 1 + Math.floor(r() * (r() < 0.5 ? 4 : 40));
        chunks.push(bytes.slice(i, i + n));
        i += n;
      }
      expect({ seed, events: feed(chunks) }).toEqual({ seed, events: expected });
    }
  });

  test("every single split point, bytes and strings", () => {
    for (let i = 0; i <= bytes.length; i++) {
      expect(feed([bytes.slice(0, i), bytes.slice(i)])).toEqual(expected);
    }
    for (let i = 0; i <= stream.length; i++) {
      expect(feed([stream.slice(0, i), stream.slice(i)])).toEqual(expected);
    }
  });
});

describe("SseParser performance", () => {
  test("a 4 MB event in 1-KB chunks is linear", () => {
    const payload = "x".repeat(4 * 1024 * 1024);
    const bytes = enc.encode(`data: ${payload}\n\n`);
    const p = new SseParser();
    const out: SseEvent[] = [];
    const t = performance.now();
    for (let i = 0; i < bytes.length; i += 1024) out.push(...p.push(bytes.subarray(i, i + 1024)));
    out.push(...p.end());
    expect(out).toHaveLength(1);
    expect(out[0]?.data.length).toBe(payload.length);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  test("100k data lines in one event", () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `data: ${i}`).join("\n");
    const t = performance.now();
    const out = parseSse(`${lines}\n\n`);
    expect(out[0]?.data.split("\n")).toHaveLength(100_000);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
