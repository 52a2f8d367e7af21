import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startMockProviders, type MockProvidersServer } from "../../src/mock/server.ts";
import { parseArgs, requestBytes, runStreams, vmRssKb } from "./streams.ts";
import { fillerWords, streamBody } from "./lib/stream-body.ts";

describe("arguments and request", () => {
  test("flags are read and bad values refused", () => {
    const o = parseArgs(["--url", "http://127.0.0.1:9/v1/chat/completions", "--streams", "50", "--header", "authorization: Bearer k", "--rss-pid", "12"]);
    expect(o.streams).toBe(50);
    expect(o.headers).toEqual([["authorization", "Bearer k"]]);
    expect(o.rssPids).toEqual([12]);
    expect(() => parseArgs(["--streams", "5"])).toThrow("--url");
    expect(() => parseArgs(["--url", "http://x/", "--streams", "2.5"])).toThrow("integer");
    expect(() => parseArgs(["--url", "http://x/", "--rate", "0"])).toThrow("--rate");
    expect(() => parseArgs(["--url", "http://x/", "--header", "nocolon"])).toThrow("name: value");
  });

  test("the request carries the body with its byte length", () => {
    const body = '{"x":"é"}';
    const text = new TextDecoder().decode(requestBytes(new URL("http://h:1/p?q=1"), [["a", "b"]], body));
    expect(text.startsWith("POST /p?q=1 HTTP/1.1\r\nHost: h:1\r\n")).toBe(true);
    expect(text).toContain("Content-Length: 10\r\n");
    expect(text).toContain("\r\na: b\r\n\r\n");
    expect(text.endsWith(body)).toBe(true);
  });

  test("VmRSS is read from /proc status text", () => {
    expect(vmRssKb("Name:\tbun\nVmHWM:\t  9000 kB\nVmRSS:\t  8123 kB\n")).toBe(8123);
    expect(vmRssKb("Name:\tbun\n")).toBe(0);
    expect(vmRssKb(readFileSync(`/proc/${process.pid}/status`, "utf8"))).toBeGreaterThan(1000);
  });

  test("the filler makes the answer long enough for the hold time", () => {
    expect(fillerWords(1000, 10)).toBe(3 * (10 - 6) - 8);
    expect(fillerWords(100, 10)).toBe(3 * 94 - 8);
    expect(fillerWords(1000, 1)).toBe(0);
    expect(JSON.parse(streamBody("m", 250, 3))).toMatchObject({ model: "m", stream: true, messages: [{ role: "user" }] });
  });
});

describe("against the provider simulator", () => {
  let mock: MockProvidersServer;
  beforeAll(() => {
    mock = startMockProviders({ hostname: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await mock.stop();
  });

  test("the body's stream lasts about the hold time, with the first token after the preamble", async () => {
    const eventMs = 25;
    const holdS = 0.5;
    const t0 = performance.now();
    const res = await fetch(`${mock.url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "k", "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: streamBody("claude-sonnet-4-5", eventMs, holdS),
    });
    const text = await res.text();
    const elapsed = performance.now() - t0;
    const events = text.split("\n\n").filter((e) => e.startsWith("event:"));
    expect(events.length).toBeGreaterThanOrEqual((holdS * 1000) / eventMs);
    expect(events.length).toBeLessThanOrEqual((holdS * 1000) / eventMs + 1);
    expect(elapsed).toBeGreaterThanOrEqual(events.length * eventMs * 0.9);
  });

  test("holds every stream open at once and times first token and first data line", async () => {
    const r = await runStreams({
      ...parseArgs(["--url", `${mock.url}/anthropic/v1/messages`, "--streams", "40", "--rate", "400", "--event-ms", "30", "--hold-s", "0.6"]),
      headers: [["x-api-key", "k"], ["anthropic-version", "2023-06-01"]],
      rssPids: [process.pid],
    });
    expect(r.connected).toBe(40);
    expect(r.sent).toBe(40);
    expect(r.completed).toBe(40);
    expect(r.first_token).toBe(40);
    expect(r.first_data).toBe(40);
    expect(r.statuses).toEqual({ "200": 40 });
    expect(r.errors + r.non2xx + r.unfinished + r.connect_errors).toBe(0);
    // The last stream starts 0.1 s after the first and each lasts 0.6 s: all are open together.
    expect(r.peak_open).toBe(40);
    expect(r.open_at_sample).toBe(40);
    // First data line after one event, first token after four (message_start, content_block_start, ping, delta).
    expect(r.ttfd_us.p50).toBeGreaterThanOrEqual(30_000 * 0.9);
    expect(r.ttft_us.p50).toBeGreaterThanOrEqual(4 * 30_000 * 0.9);
    expect(r.ttft_us.p50).toBeLessThan(4 * 30_000 + 100_000);
    expect(r.rss_kb?.open).toBeGreaterThan(0);
  });

  test("error answers are counted, not timed", async () => {
    const r = await runStreams({
      ...parseArgs(["--url", `${mock.url}/anthropic/v1/messages`, "--streams", "5", "--rate", "100", "--timeout", "5"]),
      headers: [["x-api-key", "invalid-key"], ["anthropic-version", "2023-06-01"]],
    });
    expect(r.non2xx).toBe(5);
    expect(r.statuses).toEqual({ "401": 5 });
    expect(r.first_token).toBe(0);
    expect(r.ttft_us.count).toBe(0);
  });
});
