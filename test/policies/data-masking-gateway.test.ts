/**
 * data_masking on REST traffic through a running gateway: request bodies are
 * masked before the upstream sees them, response bodies before the client
 * does (with a correct Content-Length; compressed bodies are decoded and sent
 * uncompressed), and what the masker may not touch — binary, oversized —
 * passes byte for byte. Routes without the
 * policy are not affected.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { brotliCompressSync, deflateSync, gzipSync, gunzipSync, zstdCompressSync } from "node:zlib";
import { REWRITE_MAX_BYTES } from "../../src/gateway/response-rewrite.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const EMAIL = "ann.lee@example.com";
const CARD = "4111 1111 1111 1111";
const R = (type: string) => `[REDACTED:${type}]`;

interface Seen {
  path: string;
  contentType: string | null;
  contentLength: string | null;
  range: string | null;
  acceptEncoding: string | null;
  body: string;
}

const seen: Seen[] = [];
const big = `${"lorem ipsum ".repeat(Math.ceil(REWRITE_MAX_BYTES / 12))} ${EMAIL}`;
const binary = new TextEncoder().encode(`\x00\x01binary ${EMAIL}\x02`);

const upstream = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const url = new URL(req.url);
    const body = await req.text();
    const h = req.headers;
    seen.push({ path: url.pathname, contentType: h.get("content-type"), contentLength: h.get("content-length"), range: h.get("range"), acceptEncoding: h.get("accept-encoding"), body });
    switch (url.pathname) {
      case "/echo":
        return new Response(body, { headers: { "content-type": req.headers.get("content-type") ?? "text/plain" } });
      case "/profile":
        return Response.json({ name: "Ann", email: EMAIL, card: CARD, id: 12345678901234567890n.toString() }, { headers: { etag: '"v1"' } });
      case "/chunked": {
        const parts = ["contact: ann.lee@", "example.com, card ", "4111 1111 1111 1111\n"];
        const stream = new ReadableStream<Uint8Array>({
          pull(c) {
            const p = parts.shift();
            if (p === undefined) c.close();
            else c.enqueue(new TextEncoder().encode(p));
          },
        });
        return new Response(stream, { headers: { "content-type": "text/plain; charset=utf-8" } });
      }
      case "/big":
        return new Response(big, { headers: { "content-type": "text/plain" } });
      case "/big-chunked": {
        let sent = false;
        const stream = new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent) return c.close();
            sent = true;
            c.enqueue(new TextEncoder().encode(big));
          },
        });
        return new Response(stream, { headers: { "content-type": "text/plain" } });
      }
      case "/stall": {
        // Half a body, then silence: the gateway's idle timeout must end the wait.
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new TextEncoder().encode(`{"email":"${EMAIL}",`));
          },
        });
        return new Response(stream, { headers: { "content-type": "application/json" } });
      }
      case "/binary":
        return new Response(binary, { headers: { "content-type": "application/octet-stream" } });
      case "/gzip":
      case "/br":
      case "/deflate":
      case "/zstd": {
        const coding = url.pathname.slice(1);
        const encode = { gzip: gzipSync, br: brotliCompressSync, deflate: deflateSync, zstd: zstdCompressSync }[coding]!;
        return new Response(encode(JSON.stringify({ email: EMAIL })), { headers: { "content-type": "application/json", "content-encoding": coding } });
      }
      case "/gzip-clean":
        return new Response(gzipSync(JSON.stringify({ ok: true })), { headers: { "content-type": "application/json", "content-encoding": "gzip", etag: '"c1"' } });
      case "/gzip-bomb":
        // Small on the wire, far over the cap once decoded.
        return new Response(gzipSync(`${"a".repeat(4 * REWRITE_MAX_BYTES)} ${EMAIL}`), { headers: { "content-type": "text/plain", "content-encoding": "gzip" } });
      default:
        return new Response("not found", { status: 404 });
    }
  },
});

let g: TestGateway;

beforeAll(async () => {
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: `http://127.0.0.1:${upstream.port}` }] });
  const svc = await g.create("services", { name: "crm", upstream_id: u.id });
  const masked = await g.create("routes", { name: "masked", service_id: svc.id, paths: ["/masked"], strip_path: true });
  await g.create("routes", { name: "plain", service_id: svc.id, paths: ["/plain"], strip_path: true });
  const inOnly = await g.create("routes", { name: "in-only", service_id: svc.id, paths: ["/in-only"], strip_path: true });
  await g.create("policies", { name: "mask-all", kind: "data_masking", scope: "route", route_id: masked.id, config: {} });
  const slow = await g.create("upstreams", {
    name: "slow",
    targets: [{ url: `http://127.0.0.1:${upstream.port}` }],
    timeouts: { ttfb_ms: 2000, idle_ms: 200, total_ms: 10_000 },
    outlier_detection: { enabled: false },
    circuit_breaker: { enabled: false },
  });
  const slowSvc = await g.create("services", { name: "slow", upstream_id: slow.id, retry: { attempts: 1 } });
  const stalled = await g.create("routes", { name: "stalled", service_id: slowSvc.id, paths: ["/stalled"], strip_path: true });
  await g.create("policies", { name: "mask-stalled", kind: "data_masking", scope: "route", route_id: stalled.id, config: {} });
  await g.create("policies", { name: "mask-in", kind: "data_masking", scope: "route", route_id: inOnly.id, config: { apply_to: ["request"], detectors: ["email"] } });
  await g.synced();
});

afterAll(async () => {
  await g.stop();
  await upstream.stop(true);
});

const post = (path: string, body: string | Uint8Array, contentType: string) => fetch(`${g.url}${path}`, { method: "POST", headers: { "content-type": contentType }, body });

describe("data_masking: request bodies", () => {
  test("a JSON body is masked before the upstream sees it, with its own Content-Length", async () => {
    const body = JSON.stringify({ to: EMAIL, card: CARD, password: "hunter22", qty: 3 });
    const res = await post("/masked/echo", body, "application/json");
    expect(res.status).toBe(200);
    const got = seen.at(-1)!;
    const expected = JSON.stringify({ to: R("email"), card: R("credit_card"), password: R("secret"), qty: 3 });
    expect(got.body).toBe(expected);
    expect(got.contentLength).toBe(String(new TextEncoder().encode(expected).byteLength));
    expect(got.contentType).toBe("application/json");
  });

  test("form and text bodies are masked", async () => {
    await post("/masked/echo", `email=${encodeURIComponent(EMAIL)}&n=1`, "application/x-www-form-urlencoded");
    expect(seen.at(-1)!.body).toBe(`email=${encodeURIComponent(R("email"))}&n=1`);
    await post("/masked/echo", `reach me at ${EMAIL}`, "text/plain");
    expect(seen.at(-1)!.body).toBe(`reach me at ${R("email")}`);
  });

  test("a binary body passes untouched", async () => {
    await post("/masked/echo", binary, "application/octet-stream");
    expect(seen.at(-1)!.body).toBe(new TextDecoder().decode(binary));
  });

  test("a body sent without Content-Length is masked too", async () => {
    const chunks = [`to ann.lee@`, `example.com`];
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next === undefined) c.close();
        else c.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await fetch(`${g.url}/masked/echo`, { method: "POST", headers: { "content-type": "text/plain" }, body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.body).toBe(`to ${R("email")}`);
  });

  test("a body declared larger than the buffer cap passes untouched", async () => {
    await post("/masked/echo", big, "text/plain");
    const got = seen.at(-1)!.body;
    expect(got.length).toBe(big.length);
    expect(got.endsWith(EMAIL)).toBe(true);
  });

  test("a route without the policy forwards the body as sent", async () => {
    const body = JSON.stringify({ to: EMAIL });
    const res = await post("/plain/echo", body, "application/json");
    expect(seen.at(-1)!.body).toBe(body);
    expect(await res.text()).toBe(body);
  });

  test("apply_to: request masks on the way in only", async () => {
    const res = await post("/in-only/echo", `to ${EMAIL}`, "text/plain");
    expect(seen.at(-1)!.body).toBe(`to ${R("email")}`);
    expect(await res.text()).toBe(`to ${R("email")}`);
    const profile = await fetch(`${g.url}/in-only/profile`);
    expect(((await profile.json()) as { email: string }).email).toBe(EMAIL);
  });
});

describe("data_masking: response bodies", () => {
  test("a JSON response is masked before the client sees it; Content-Length fits, the stale ETag is gone", async () => {
    const res = await fetch(`${g.url}/masked/profile`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ name: "Ann", email: R("email"), card: R("credit_card"), id: "12345678901234567890" });
    expect(res.headers.get("content-length")).toBe(String(new TextEncoder().encode(text).byteLength));
    expect(res.headers.get("etag")).toBeNull();
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  test("a chunked response with a secret split across chunks is masked whole", async () => {
    const res = await fetch(`${g.url}/masked/chunked`);
    const text = await res.text();
    expect(text).toBe(`contact: ${R("email")}, card ${R("credit_card")}\n`);
    expect(res.headers.get("content-length")).toBe(String(text.length));
  });

  test("the call record counts the bytes the client got", async () => {
    const res = await fetch(`${g.url}/masked/profile`);
    const text = await res.text();
    const record = await g.record(res.headers.get("x-request-id")!);
    expect(record.status).toBe(200);
    expect(record.response_bytes).toBe(new TextEncoder().encode(text).byteLength);
  });

  test("binary responses pass byte for byte", async () => {
    const bin = await fetch(`${g.url}/masked/binary`);
    expect(new Uint8Array(await bin.arrayBuffer())).toEqual(binary);
  });

  test("compressed responses are decoded, masked and sent uncompressed", async () => {
    for (const coding of ["gzip", "br", "deflate", "zstd"]) {
      const res = await fetch(`${g.url}/masked/${coding}`, { decompress: false } as RequestInit);
      expect(res.headers.get("content-encoding")).toBeNull();
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ email: R("email") });
      expect(res.headers.get("content-length")).toBe(String(text.length));
    }
  });

  test("a compressed body with nothing to mask keeps its coding and validators", async () => {
    const res = await fetch(`${g.url}/masked/gzip-clean`, { decompress: false } as RequestInit);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("etag")).toBe('"c1"');
    expect(JSON.parse(gunzipSync(new Uint8Array(await res.arrayBuffer())).toString())).toEqual({ ok: true });
  });

  test("a compressed body that decodes to more than the cap passes as it came", async () => {
    const res = await fetch(`${g.url}/masked/gzip-bomb`, { decompress: false } as RequestInit);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const text = gunzipSync(new Uint8Array(await res.arrayBuffer())).toString();
    expect(text.length).toBe(4 * REWRITE_MAX_BYTES + 1 + EMAIL.length);
  });

  test("bodies over the buffer cap stream through untouched, declared or not", async () => {
    for (const path of ["/masked/big", "/masked/big-chunked"]) {
      const res = await fetch(`${g.url}${path}`);
      const text = await res.text();
      expect(text.length).toBe(big.length);
      expect(text.endsWith(EMAIL)).toBe(true);
    }
  });

  test("a body that stalls while being read for masking ends in 504 upstream_timeout, none of it delivered", async () => {
    const res = await fetch(`${g.url}/stalled/stall`);
    expect(res.status).toBe(504);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe("upstream_timeout");
    expect(JSON.stringify(body)).not.toContain(EMAIL);
    const record = await g.record(res.headers.get("x-request-id")!);
    expect(record.error_code).toBe("upstream_timeout");
    expect(record.status).toBe(504);
  });

  test("the upstream is asked for whole bodies in codings the gateway can decode", async () => {
    const ask = async (path: string, headers: Record<string, string>) => {
      await (await fetch(`${g.url}${path}`, { headers, decompress: false } as RequestInit)).arrayBuffer();
      return seen.at(-1)!;
    };
    const masked = await ask("/masked/profile", { range: "bytes=0-10", "if-range": '"v1"', "accept-encoding": "gzip, compress, br;q=0, x-custom" });
    expect(masked.range).toBeNull();
    expect(masked.acceptEncoding).toBe("gzip");
    expect((await ask("/masked/profile", { "accept-encoding": "compress" })).acceptEncoding).toBe("identity");
    expect((await ask("/masked/profile", { "accept-encoding": "*" })).acceptEncoding).toBe("gzip, deflate, br, zstd");
    // Without response masking the client's own headers go through.
    const inOnly = await ask("/in-only/profile", { range: "bytes=0-10", "accept-encoding": "compress" });
    expect(inOnly.range).toBe("bytes=0-10");
    expect(inOnly.acceptEncoding).toBe("compress");
  });

  test("a route without the policy returns the upstream's body and headers as they were", async () => {
    const res = await fetch(`${g.url}/plain/profile`);
    expect(((await res.json()) as { email: string }).email).toBe(EMAIL);
    expect(res.headers.get("etag")).toBe('"v1"');
  });
});
