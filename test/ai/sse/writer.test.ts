import { describe, expect, test } from "bun:test";
import { parseSse } from "../../../src/ai/sse/parser.ts";
import { sseComment, sseEvent } from "../../../src/ai/sse/writer.ts";

describe("sseEvent", () => {
  test("single line", () => {
    expect(sseEvent('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(sseEvent("x", "content-delta")).toBe("event: content-delta\ndata: x\n\n");
  });

  test("multi-line data becomes several data lines", () => {
    expect(sseEvent("a\nb\r\nc\rd")).toBe("data: a\ndata: b\ndata: c\ndata: d\n\n");
    expect(sseEvent("")).toBe("data: \n\n");
    expect(sseEvent("a\n")).toBe("data: a\ndata: \n\n");
  });

  test("round-trips through the parser", () => {
    const cases = ["", "plain", "two\nlines", "trailing\n", "\nleading", " spaced ", ": looks like a comment", "data: nested", "ü🎉"];
    const body = cases.map((d, i) => sseEvent(d, i % 2 ? `e${i}` : undefined)).join("");
    expect(parseSse(body)).toEqual(cases.map((data, i) => (i % 2 ? { event: `e${i}`, data } : { data })));
  });

  test("an event name with a line break is rejected", () => {
    expect(() => sseEvent("x", "a\nb")).toThrow(TypeError);
  });

  test("comments are ignored by parsers", () => {
    expect(sseComment("ping\nx")).toBe(": ping x\n\n");
    expect(parseSse(`${sseComment("ping")}${sseEvent("x")}`)).toEqual([{ data: "x" }]);
  });
});
