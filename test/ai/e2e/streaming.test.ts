/**
 * Streaming quality through the whole gateway: a client that leaves cancels
 * the provider at once, a provider that goes quiet ends the stream cleanly,
 * a slow reader is not buffered for, the gateway adds no delay, and a
 * provider that reports no usage gets an estimate marked as such.
 *
 * A tiny OpenAI-compatible provider of our own (not the simulator) sees the
 * upstream side: how far it got and when the gateway hung up. The model
 * name picks its behavior: `<events>x<bytes>[@<ms per event>][/idle<ms>]`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as http from "node:http";
import { preloadTokenizer } from "../../../src/ai/tokens.ts";
import { providerData, waitFor } from "../../support/gateway.ts";
import { type AiFixture, startAiFixture } from "./fixture.ts";

interface UpstreamStream {
  model: string;
  /** Events handed to the socket so far. */
  sent: number;
  /** The gateway closed the connection (or cancelled the body). */
  closedAt: number | null;
  startedAt: number;
}

let f: AiFixture;
let server: ReturnType<typeof Bun.serve>;
const streams: UpstreamStream[] = [];
const enc = new TextEncoder();

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null): Uint8Array<ArrayBuffer> {
  const body = { id: "chatcmpl-own", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] };
  return enc.encode(`data: ${JSON.stringify(body)}\n\n`);
}

function startOwnProvider(): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const body = (await req.json()) as { model: string };
      const m = /^(\d+)x(\d+)(?:@(\d+))?(?:\/idle(\d+))?$/.exec(body.model);
      if (!m) return Response.json({ error: { message: "unknown model" } }, { status: 404 });
      const events = Number(m[1]);
      // Words, not one endless run: the usage estimate tokenizes what was streamed.
      const text = "lorem ipsum dolor sit amet ".repeat(Math.ceil(Number(m[2]) / 27)).slice(0, Number(m[2]));
      const perEventMs = Number(m[3] ?? 0);
      const idleAfterFirst = Number(m[4] ?? 0);
      const s: UpstreamStream = { model: body.model, sent: 0, closedAt: null, startedAt: performance.now() };
      streams.push(s);
      const hangUp = () => {
        s.closedAt ??= performance.now();
      };
      req.signal.addEventListener("abort", hangUp, { once: true });
      let i = 0;
      const stream = new ReadableStream<Uint8Array>(
        {
          async pull(c) {
            if (i === 0) {
              c.enqueue(chunk(body.model, { role: "assistant", content: "" }));
            } else if (i <= events) {
              if (i === 2 && idleAfterFirst) await Bun.sleep(idleAfterFirst);
              else if (perEventMs) await Bun.sleep(perEventMs);
              if (s.closedAt !== null) return;
              c.enqueue(chunk(body.model, { content: text }));
            } else {
              // No usage chunk, even when asked for one: some servers never send it.
              c.enqueue(chunk(body.model, {}, "stop"));
              c.enqueue(enc.encode("data: [DONE]\n\n"));
              c.close();
            }
            i++;
            s.sent = i;
          },
          cancel: hangUp,
        },
        { highWaterMark: 0 },
      );
      return new Response(stream, { headers: { "content-type": "text/event-stream" } });
    },
  });
}

beforeAll(async () => {
  // As `waygate serve` does once it is up: the first usage estimate must not stall the event loop mid-test.
  preloadTokenizer();
  f = await startAiFixture();
  server = startOwnProvider();
  const base = `http://127.0.0.1:${server.port}/v1`;
  await f.g.store.create("providers", providerData({ name: "own", kind: "openai_compatible", base_url: base, keys: [{ name: "k1", secret: "own-key" }] }));
  await f.g.store.create(
    "providers",
    providerData({ name: "own-quick", kind: "openai_compatible", base_url: base, keys: [{ name: "k1", secret: "own-key" }], timeouts: { idle_ms: 150, ttfb_ms: 5000, total_ms: 60_000 } }),
  );
  await f.g.synced();
});
afterAll(async () => {
  await f.stop();
  await server.stop(true);
});

function streamRequest(model: string, signal?: AbortSignal, includeUsage = false): Promise<Response> {
  return fetch(`${f.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${f.appKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "stream please" }], stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) }),
    ...(signal ? { signal } : {}),
  });
}

const lastStream = (model: string) => streams.findLast((s) => s.model === model);

test("a client that goes away mid-stream cancels the provider's stream at once", async () => {
  const abort = new AbortController();
  const res = await streamRequest("own/50x10@100", abort.signal);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  await reader.read();
  await Bun.sleep(150);
  const up = lastStream("50x10@100")!;
  expect(up.closedAt).toBeNull();
  const leftAt = performance.now();
  abort.abort();
  await waitFor(() => up.closedAt !== null, 2000, "the provider to see the hang-up");
  expect(up.closedAt! - leftAt).toBeLessThan(150);
  const sentAtHangUp = up.sent;
  await Bun.sleep(300);
  // Nothing more was pulled from the provider after the client left.
  expect(up.sent).toBeLessThanOrEqual(sentAtHangUp + 1);
  expect(up.sent).toBeLessThan(20);
  const record = (await f.g.records()).findLast((r) => r.ai?.requested_model === "own/50x10@100");
  expect(record?.error_code).toBe("client_closed_request");
});

test("a provider that goes quiet longer than idle_ms ends the stream with a clean error event", async () => {
  const started = performance.now();
  const res = await streamRequest("own-quick/5x10/idle3000");
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(performance.now() - started).toBeLessThan(1500);
  // The content that arrived, then an OpenAI-style error event, and the stream closed.
  expect(text).toContain('"content":"lorem ipsu"');
  const last = text.trim().split("\n\n").at(-1)!;
  const err = JSON.parse(last.replace(/^data: /, "")) as { error: { code: string; message: string } };
  expect(err.error.code).toBe("upstream_timeout");
  expect(text).not.toContain("[DONE]");
  await waitFor(() => lastStream("5x10/idle3000")?.closedAt != null, 2000, "the provider to be hung up on");
  const record = (await f.g.records()).findLast((r) => r.ai?.requested_model === "own-quick/5x10/idle3000");
  expect(record?.error_code).toBe("upstream_timeout");
});

test("a slow reader is not buffered for: the provider stays near the client", async () => {
  // 4000 events of 64 KiB: 256 MiB if the gateway read ahead of the client.
  const model = "4000x65536";
  const url = new URL(`${f.baseURL}/chat/completions`);
  const payload = JSON.stringify({ model: `own/${model}`, messages: [{ role: "user", content: "big" }], stream: true });
  // node:http so the client can stop reading (pause) and let TCP push back.
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { authorization: `Bearer ${f.appKey}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      resolve,
    );
    req.on("error", reject);
    req.end(payload);
  });
  expect(res.statusCode).toBe(200);
  let received = 0;
  await new Promise<void>((resolve) => {
    res.on("data", (d: Buffer) => {
      received += d.length;
      if (received > 256 * 1024) {
        res.pause();
        resolve();
      }
    });
  });
  await Bun.sleep(700);
  const up = lastStream(model)!;
  const sentWhilePaused = up.sent;
  // The kernel's socket buffers on both hops (and the HTTP clients') hold tens of megabytes
  // (receive buffers autotune up to 32 MiB each), but the provider is held back instead of streaming it all.
  expect(sentWhilePaused).toBeLessThan(2000);
  await Bun.sleep(300);
  expect(up.sent - sentWhilePaused).toBeLessThanOrEqual(2);
  res.destroy();
  await waitFor(() => up.closedAt !== null, 2000, "the provider to be hung up on");
});

async function timeToFirstToken(url: string, headers: Record<string, string>, model: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "count to twenty please" }], stream: true }),
  });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let seen = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error("stream ended before any content");
    seen += dec.decode(value, { stream: true });
    if (/"content":"[^"]/.test(seen)) break;
  }
  const ms = performance.now() - started;
  await reader.cancel();
  return ms;
}

test("no artificial delay: time to first token through the gateway is close to direct", async () => {
  f.mock.control.always.set("openai", { kind: "latency", ms: 40, perEventMs: 30 });
  try {
    const direct: number[] = [];
    const via: number[] = [];
    for (let i = 0; i < 5; i++) {
      direct.push(await timeToFirstToken(`${f.mock.url}/openai/v1/chat/completions`, { authorization: "Bearer sk-test-one" }, "gpt-4o-mini"));
      via.push(await timeToFirstToken(`${f.baseURL}/chat/completions`, { authorization: `Bearer ${f.appKey}` }, "oa/gpt-4o-mini"));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(direct)).toBeGreaterThan(60);
    expect(median(via) - median(direct)).toBeLessThan(50);
  } finally {
    f.mock.control.always.clear();
  }
});

test("a provider that streams no usage: usage is estimated, sent to the client, and marked estimated", async () => {
  const res = await streamRequest("own/3x20", undefined, true);
  const text = await res.text();
  const requestId = res.headers.get("x-request-id") ?? "";
  const chunks = text
    .split("\n\n")
    .filter((l) => l.startsWith("data: {"))
    .map((l) => JSON.parse(l.slice(6)) as { usage?: { prompt_tokens: number; completion_tokens: number } | null });
  const usage = chunks.findLast((c) => c.usage)?.usage;
  expect(usage?.prompt_tokens).toBeGreaterThan(0);
  expect(usage?.completion_tokens).toBeGreaterThan(0);
  expect(text.trim().endsWith("data: [DONE]")).toBe(true);
  const record = await f.g.record(requestId);
  expect(record.ai?.tokens_estimated).toBe(true);
  expect(record.ai?.input_tokens).toBe(usage!.prompt_tokens);
  expect(record.ai?.output_tokens).toBe(usage!.completion_tokens);
  expect(record.ai?.finish_reason).toBe("stop");
});
