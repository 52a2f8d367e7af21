import { describe, expect, test } from "bun:test";
import { parseSse } from "../../src/ai/sse/parser.ts";
import { newMockControl, startMockProviders } from "../../src/mock/server.ts";
import type { MockProviderHandler } from "../../src/mock/types.ts";
import { useMockProviders } from "./helpers.ts";

const mock = useMockProviders();

describe("provider simulator server", () => {
  test("every registered provider has a unique prefix", () => {
    const prefixes = mock.handlers.map((h) => h.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const name of ["openai", "azure", "anthropic", "gemini", "mistral", "bedrock", "cohere"]) expect(mock.handlers.map((h) => h.name)).toContain(name);
  });

  test("an unknown prefix is a 404 listing the prefixes", async () => {
    const res = await fetch(`${mock.url}/nope/v1/chat`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { prefixes: string[] } }).error.prefixes).toContain("/openai");
    expect((await fetch(`${mock.url}/openaiX/v1/models`)).status).toBe(404);
  });

  test("handlers get the path without the prefix, and requests are recorded", async () => {
    const seen: string[] = [];
    const echo: MockProviderHandler = {
      prefix: "/echo",
      name: "echo",
      handle: async (req, path) => {
        seen.push(path);
        return new Response(await req.text());
      },
    };
    const control = newMockControl();
    const own = startMockProviders({ hostname: "127.0.0.1", port: 0, control, handlers: [echo] });
    try {
      const res = await fetch(`${own.url}/echo/a/b?x=1`, { method: "POST", headers: { "x-test": "1" }, body: '{"k":[1]}' });
      expect(await res.text()).toBe('{"k":[1]}');
      await fetch(`${own.url}/echo`, { method: "POST", body: "not json" });
      expect(seen).toEqual(["/a/b", "/"]);
      expect(own.control).toBe(control);
      expect(control.requests[0]).toMatchObject({ provider: "echo", method: "POST", path: "/a/b?x=1", body: { k: [1] } });
      expect(control.requests[0]?.headers["x-test"]).toBe("1");
      expect(control.requests[1]?.body).toBeNull();
    } finally {
      await own.stop();
    }
  });

  test("the simulator's streams parse with the project's SSE parser", async () => {
    const res = await fetch(`${mock.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k" },
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "multi\nline" }] }),
    });
    const events = parseSse(new Uint8Array(await res.arrayBuffer()));
    expect(events.at(-1)).toEqual({ data: "[DONE]" });
    const text = events.slice(0, -1).map((e) => (JSON.parse(e.data) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? "").join("");
    expect(text).toEndWith("| multi\nline");
  });

  test("stop() ends a request that is hanging on a timeout fault", async () => {
    const own = startMockProviders({ hostname: "127.0.0.1", port: 0 });
    own.control.faults.push({ kind: "timeout" });
    const pending = fetch(`${own.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
    }).then(
      () => "answered",
      () => "failed",
    );
    await Bun.sleep(50);
    await own.stop();
    expect(await pending).toBe("failed");
  });
});
