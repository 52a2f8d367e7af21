import { beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { useMockProviders } from "./helpers.ts";

const mock = useMockProviders();
const client = new OpenAI({ apiKey: "sk-test", baseURL: `${mock.url}/openai/v1`, maxRetries: 0 });
const ask = (content = "hi", stream = false) => client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content }], stream } as never);

beforeEach(() => {
  mock.control.faults.length = 0;
  mock.control.always.clear();
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
}

describe("simulated OpenAI errors", () => {
  test("missing and invalid keys are 401", async () => {
    const bad = new OpenAI({ apiKey: "sk-invalid-key", baseURL: `${mock.url}/openai/v1`, maxRetries: 0 });
    const e = await failure(bad.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }));
    expect(e).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(e).toMatchObject({ status: 401, code: "invalid_api_key", type: "invalid_request_error" });
    const res = await fetch(`${mock.url}/openai/v1/models`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("didn't provide an API key");
  });

  test("429 with Retry-After and rate-limit headers", async () => {
    mock.control.faults.push({ kind: "status", status: 429, retryAfterSeconds: 7 });
    const e = await failure(ask());
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    const err = e as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err.code).toBe("rate_limit_exceeded");
    expect(err.headers?.get("retry-after")).toBe("7");
    expect(err.headers?.get("x-ratelimit-remaining-requests")).toBe("0");
  });

  test("500 server_error, 503, context length", async () => {
    mock.control.faults.push({ kind: "status", status: 500 }, { kind: "status", status: 503 }, { kind: "context_length" });
    expect(await failure(ask())).toMatchObject({ status: 500, type: "server_error" });
    expect(await failure(ask())).toMatchObject({ status: 503 });
    const e = await failure(ask());
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e).toMatchObject({ code: "context_length_exceeded", param: "messages" });
  });

  test("a fault scoped to another provider is not taken", async () => {
    mock.control.faults.push({ kind: "status", status: 500, provider: "anthropic" });
    expect((await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })).choices).toHaveLength(1);
    expect(mock.control.faults).toHaveLength(1);
  });

  test("always applies to every request until cleared", async () => {
    mock.control.always.set("openai", { kind: "status", status: 502 });
    expect(await failure(ask())).toMatchObject({ status: 502 });
    expect(await failure(ask())).toMatchObject({ status: 502 });
    mock.control.always.delete("openai");
    expect((await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })).choices).toHaveLength(1);
  });

  test("a marker in the user message", async () => {
    expect(await failure(ask("please [[mock:status=429,retry_after=3]]"))).toMatchObject({ status: 429 });
    // Scoped to another provider: answered normally.
    const ok = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "[[mock:status=500,provider=mistral]]" }] });
    expect(ok.choices[0]?.message.content).toContain("[[mock:status=500,provider=mistral]]");
  });
});

describe("simulated OpenAI transport faults", () => {
  const raw = (content: string, stream = false, signal?: AbortSignal) =>
    fetch(`${mock.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream, messages: [{ role: "user", content }] }),
      ...(signal ? { signal } : {}),
    });

  test("reset drops the connection before any response", async () => {
    mock.control.faults.push({ kind: "reset" });
    const e = await failure(raw("x"));
    expect(e).toBeInstanceOf(Error);
    expect(String((e as { code?: string }).code)).toBe("ECONNRESET");
    expect(await failure(ask("[[mock:reset]]"))).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  test("timeout never answers until the client aborts", async () => {
    mock.control.faults.push({ kind: "timeout" });
    const t = performance.now();
    const e = await failure(raw("x", false, AbortSignal.timeout(300)));
    expect((e as Error).name).toBe("TimeoutError");
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
  });

  test("latency delays the answer and each stream event", async () => {
    mock.control.faults.push({ kind: "latency", ms: 150 });
    let t = performance.now();
    expect((await raw("x")).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    t = performance.now();
    const res = await raw("x [[mock:latency=0,per_event=20]]", true);
    const body = await res.text();
    const events = body.split("\n\n").filter(Boolean).length;
    expect(performance.now() - t).toBeGreaterThanOrEqual(events * 20 - 10);
  });

  test("midstream sends N events then cuts the connection", async () => {
    mock.control.faults.push({ kind: "midstream", afterEvents: 3 });
    const res = await raw("one two three four five six seven eight nine ten", true);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    const e = await failure(
      (async () => {
        for (;;) {
          const r = await reader.read();
          if (r.done) return;
          text += new TextDecoder().decode(r.value);
        }
      })(),
    );
    expect(e).toBeInstanceOf(Error);
    expect(text.split("\n\n").filter(Boolean)).toHaveLength(3);
    expect(text).not.toContain("[DONE]");
  });

  test("midstream through the SDK surfaces an error after some chunks", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "a b c d e f g h i [[mock:midstream=2]]" }], stream: true });
    const got: string[] = [];
    const e = await failure(
      (async () => {
        for await (const c of stream) got.push(c.choices[0]?.delta.content ?? "");
      })(),
    );
    expect(e).toBeInstanceOf(Error);
    expect(got).toHaveLength(2);
  });
});
