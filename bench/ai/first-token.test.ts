import { describe, expect, test } from "bun:test";
import { FirstTokenWatcher, isTokenPayload } from "./lib/first-token.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function chunked(events: string[]): string {
  const head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  return head + events.map((e) => `${enc(e).length.toString(16)}\r\n${e}\r\n`).join("") + "0\r\n\r\n";
}

const role = 'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n';
const token = 'data: {"choices":[{"index":0,"delta":{"content":"Hé llo"}}]}\n\n';
const anthropic = [
  'event: message_start\ndata: {"type":"message_start","message":{"content":[]}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: ping\ndata: {"type":"ping"}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"data: x"}}\n\n',
];

/** Feeds the bytes one at a time; returns the byte offsets at which each moment was reported. */
function byteByByte(s: string): { data: number[]; token: number[]; w: FirstTokenWatcher } {
  const w = new FirstTokenWatcher();
  const data: number[] = [];
  const tok: number[] = [];
  enc(s).forEach((b, i) => {
    const e = w.push(Uint8Array.of(b));
    if (e.firstData) data.push(i);
    if (e.firstToken) tok.push(i);
  });
  return { data, token: tok, w };
}

describe("isTokenPayload", () => {
  test("OpenAI chunks: text or tool calls count, a role-only chunk does not", () => {
    expect(isTokenPayload('{"choices":[{"delta":{"content":"a"}}]}')).toBe(true);
    expect(isTokenPayload('{"choices":[{"delta":{"tool_calls":[{"index":0}]}}]}')).toBe(true);
    expect(isTokenPayload('{"choices":[{"delta":{"role":"assistant","content":""}}]}')).toBe(false);
    expect(isTokenPayload('{"choices":[{"delta":{},"finish_reason":"stop"}]}')).toBe(false);
    expect(isTokenPayload("[DONE]")).toBe(false);
  });

  test("Anthropic events: only content_block_delta", () => {
    expect(isTokenPayload('{"type":"content_block_delta","delta":{"type":"text_delta","text":"a"}}')).toBe(true);
    expect(isTokenPayload('{"type":"message_start"}')).toBe(false);
    expect(isTokenPayload('{"type":"ping"}')).toBe(false);
  });
});

describe("FirstTokenWatcher", () => {
  test("OpenAI stream split at every byte: first data at the role chunk, first token at the text chunk's last line byte", () => {
    const s = chunked([role, token, "data: [DONE]\n\n"]);
    const r = byteByByte(s);
    expect(r.w.status).toBe(200);
    expect(r.data).toEqual([s.indexOf(role) + role.indexOf("\n")]);
    const tokenLineEnd = enc(s.slice(0, s.indexOf(token) + token.indexOf("\n"))).length;
    expect(r.token).toEqual([tokenLineEnd]);
  });

  test("Anthropic stream: the preamble is data but not a token", () => {
    const s = chunked(anthropic);
    const r = byteByByte(s);
    expect(r.data).toHaveLength(1);
    expect(r.token).toHaveLength(1);
    expect(r.data[0]).toBeLessThan(s.indexOf("content_block_start"));
    expect(r.token[0]).toBeGreaterThan(s.indexOf('"type":"content_block_delta"'));
  });

  test("chunk boundaries inside a data line do not break it, and chunk-size lines are not data", () => {
    // One event split over three chunks, the split falling inside `data:` and inside the JSON.
    const line = 'data: {"type":"content_block_delta","delta":{"text":"x"}}\n\n';
    const s = chunked(["da", line.slice(2, 20), line.slice(20)]);
    const w = new FirstTokenWatcher();
    const e = w.push(enc(s));
    expect(e).toEqual({ firstData: true, firstToken: true });
  });

  test("a body framed by Content-Length works too, and a JSON error answer is neither", () => {
    const body = anthropic.join("");
    const s = `HTTP/1.1 200 OK\r\nContent-Length: ${enc(body).length}\r\n\r\n${body}`;
    expect(new FirstTokenWatcher().push(enc(s))).toEqual({ firstData: true, firstToken: true });
    const err = '{"error":{"message":"data: nope"}}';
    const w = new FirstTokenWatcher();
    expect(w.push(enc(`HTTP/1.1 429 Too Many Requests\r\nContent-Length: ${err.length}\r\n\r\n${err}`))).toEqual({ firstData: false, firstToken: false });
    expect(w.status).toBe(429);
  });

  test("each moment is reported once", () => {
    const w = new FirstTokenWatcher();
    const open = chunked([role]).replace(/0\r\n\r\n$/, "");
    expect(w.push(enc(open))).toEqual({ firstData: true, firstToken: false });
    expect(w.push(enc(`${enc(token).length.toString(16)}\r\n${token}\r\n`))).toEqual({ firstData: false, firstToken: true });
    expect(w.push(enc(`${enc(token).length.toString(16)}\r\n${token}\r\n`))).toEqual({ firstData: false, firstToken: false });
  });
});
