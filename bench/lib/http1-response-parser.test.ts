import { describe, expect, test } from "bun:test";
import { Http1ResponseParser, ResponseFramingError } from "./http1-response-parser.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const fixed = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";
const chunked = "HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n";

describe("Http1ResponseParser", () => {
  test("one Content-Length response in one push", () => {
    expect(new Http1ResponseParser().push(enc(fixed))).toEqual([200]);
  });

  test("pipelined responses of both framings in one push", () => {
    expect(new Http1ResponseParser().push(enc(fixed + chunked + fixed))).toEqual([200, 401, 200]);
  });

  test("a response split at every byte completes exactly once, at its last byte", () => {
    const p = new Http1ResponseParser();
    const bytes = enc(chunked + fixed);
    const seen: number[] = [];
    const at: number[] = [];
    bytes.forEach((b, i) => {
      const done = p.push(Uint8Array.of(b));
      seen.push(...done);
      if (done.length > 0) at.push(i);
    });
    expect(seen).toEqual([401, 200]);
    expect(at).toEqual([chunked.length - 1, bytes.length - 1]);
  });

  test("chunked response with trailers", () => {
    const s = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Trailer: 1\r\n\r\n";
    expect(new Http1ResponseParser().push(enc(s + fixed))).toEqual([200, 200]);
  });

  test("204 and zero-length bodies end at the head", () => {
    const s = "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
    expect(new Http1ResponseParser().push(enc(s))).toEqual([204, 503]);
  });

  test("incomplete body is not reported", () => {
    expect(new Http1ResponseParser().push(enc(fixed.slice(0, -1)))).toEqual([]);
  });

  test("a response that cannot be delimited is an error", () => {
    expect(() => new Http1ResponseParser().push(enc("HTTP/1.1 200 OK\r\n\r\nbody"))).toThrow(ResponseFramingError);
    expect(() => new Http1ResponseParser().push(enc("garbage\r\n\r\n"))).toThrow(ResponseFramingError);
  });
});
