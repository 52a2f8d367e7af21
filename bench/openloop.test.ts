import { afterAll, expect, test } from "bun:test";
import { parseArgs, runOpenLoop } from "./openloop.ts";

const seen: string[] = [];
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    const url = new URL(req.url);
    seen.push(req.headers.get("x-api-key") ?? "");
    if (url.pathname === "/deny") return new Response("no", { status: 401 });
    if (url.pathname === "/stream") {
      // A streamed body goes out chunked: the generator must frame it too.
      return new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("part1"));
            c.enqueue(new TextEncoder().encode("part2"));
            c.close();
          },
        }),
      );
    }
    return Response.json({ ok: true });
  },
});
afterAll(() => server.stop(true));

const base = `http://127.0.0.1:${server.port}`;

test("sends rate × duration requests and times every answer", async () => {
  seen.length = 0;
  const r = await runOpenLoop(parseArgs(["--url", `${base}/`, "--rate", "200", "--duration", "0.5", "--warmup", "0", "--header", "x-api-key: k1"]));
  expect(r.sent).toBe(100);
  expect(r.completed).toBe(100);
  expect(r.non2xx).toBe(0);
  expect(r.errors).toBe(0);
  expect(r.statuses).toEqual({ "200": 100 });
  expect(r.latency_us.count).toBe(100);
  expect(r.latency_us.p50).toBeGreaterThan(0);
  expect(seen.every((k) => k === "k1")).toBe(true);
});

test("counts non-2xx answers and frames chunked bodies", async () => {
  const deny = await runOpenLoop(parseArgs(["--url", `${base}/deny`, "--rate", "100", "--duration", "0.3", "--warmup", "0"]));
  expect(deny.non2xx).toBe(30);
  expect(deny.statuses).toEqual({ "401": 30 });
  const stream = await runOpenLoop(parseArgs(["--url", `${base}/stream`, "--rate", "100", "--duration", "0.3", "--warmup", "0"]));
  expect(stream.completed).toBe(30);
  expect(stream.errors).toBe(0);
});

test("refused connections are counted as errors, not hung on", async () => {
  const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = closed.port;
  await closed.stop(true);
  const t0 = performance.now();
  const r = await runOpenLoop(parseArgs(["--url", `http://127.0.0.1:${port}/`, "--rate", "50", "--duration", "0.2", "--warmup", "0"]));
  expect(r.sent).toBe(10);
  expect(r.completed).toBe(0);
  expect(r.errors).toBe(10);
  expect(performance.now() - t0).toBeLessThan(2000);
});
