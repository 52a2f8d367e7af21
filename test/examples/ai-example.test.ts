/**
 * The AI example (examples/ai) run the way its README tells a user to run
 * it: `waygate mock-providers` and `waygate serve --config
 * examples/ai/waygate.yaml` as real processes, then the README's curl
 * commands and Node.js snippet as written. Only the addresses change: the
 * simulator and the gateway listen on free ports, and a copy of the file
 * points at the simulator's port. Every curl command of the README must be
 * checked by a test here (the last test says which are not).
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, waitFor } from "../support/net.ts";
import { codeBlocks, type CurlCommand, curlCommands } from "./readme-commands.ts";

const ROOT = resolve(import.meta.dir, "../..");
const EXAMPLE = join(ROOT, "examples/ai");
const README = readFileSync(join(EXAMPLE, "README.md"), "utf8");
const CONFIG = readFileSync(join(EXAMPLE, "waygate.yaml"), "utf8");
const DEFAULT_MOCK = "127.0.0.1:8787";
const DEFAULT_GATEWAY = "localhost:8080";
const APP_KEY = "wg-demo-key-0123456789";

const dir = mkdtempSync(join(tmpdir(), "waygate-ai-example-"));
const procs: Array<ReturnType<typeof Bun.spawn>> = [];
let gateway = "";
const commands = curlCommands(README);
const used = new Set<CurlCommand>();

function spawn(args: string[]): ReturnType<typeof Bun.spawn> {
  const p = Bun.spawn(["./bin/waygate", ...args], {
    cwd: ROOT,
    env: { ...process.env, WAYGATE_ADMIN_TOKEN: "example-test-admin-token-0123456789" },
    stdout: "ignore",
    stderr: "pipe",
  });
  procs.push(p);
  return p;
}

beforeAll(async () => {
  const [mockPort, proxyPort, adminPort] = [await freePort(), await freePort(), await freePort()];
  spawn(["mock-providers", "--listen", `127.0.0.1:${mockPort}`]);
  const mock = `http://127.0.0.1:${mockPort}`;
  await waitFor(async () => (await fetch(`${mock}/openai/v1/models`, { headers: { authorization: "Bearer k" } }).catch(() => undefined))?.ok === true, 15_000);

  const file = join(dir, "waygate.yaml");
  writeFileSync(file, CONFIG.replaceAll(DEFAULT_MOCK, `127.0.0.1:${mockPort}`));
  const serve = spawn(["serve", "--config", file, "--listen", `127.0.0.1:${proxyPort}`, "--admin-listen", `127.0.0.1:${adminPort}`, "--data-dir", dir]);
  gateway = `http://127.0.0.1:${proxyPort}`;
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${adminPort}/readyz`).catch(() => undefined))?.ok === true, 15_000);
  } catch (err) {
    serve.kill();
    throw new Error(`the gateway did not start: ${await new Response(serve.stderr as ReadableStream).text()}`, { cause: err });
  }
}, 40_000);

afterAll(async () => {
  for (const p of procs) p.kill();
  await Promise.all(procs.map((p) => p.exited));
  rmSync(dir, { recursive: true, force: true });
});

/** The README's one curl command matching `pick`, marked as checked. */
function readmeCurl(pick: (c: CurlCommand) => boolean): CurlCommand {
  const found = commands.filter(pick);
  if (found.length !== 1) throw new Error(`expected one matching curl command in the README, found ${found.length}`);
  used.add(found[0]!);
  return found[0]!;
}

async function run(cmd: CurlCommand): Promise<Response> {
  const url = cmd.url.replace(`http://${DEFAULT_GATEWAY}`, gateway);
  expect(url.startsWith(gateway)).toBe(true);
  return fetch(url, { method: cmd.method, headers: cmd.headers, ...(cmd.body !== undefined ? { body: cmd.body } : {}) });
}

/** The AI attempts the call log recorded for a request (the log is written in batches). */
async function loggedAttempts(requestId: string): Promise<Array<{ provider: string; result: string }>> {
  const db = new Database(join(dir, "calls.db"), { readonly: true });
  try {
    let row: { ai_attempts: string } | null = null;
    await waitFor(() => {
      row = db.query("select ai_attempts from calls where request_id = ?").get(requestId) as typeof row;
      return row !== null;
    }, 5000, 50);
    return JSON.parse((row as { ai_attempts: string } | null)?.ai_attempts ?? "[]") as Array<{ provider: string; result: string }>;
  } finally {
    db.close();
  }
}

interface ChatCompletion {
  model: string;
  choices: Array<{ message: { content: string | null }; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** `data:` payloads of an SSE body, `[DONE]` included as a string. */
function sseData(text: string): unknown[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => l.slice(6))
    .map((d) => (d === "[DONE]" ? d : (JSON.parse(d) as unknown)));
}

test("the example's simulator address is the documented default", () => {
  expect(CONFIG).toContain(`base_url: http://${DEFAULT_MOCK}/`);
  expect(README).toContain("./bin/waygate mock-providers ");
  expect(README).toContain("./bin/waygate serve --config examples/ai/waygate.yaml");
  expect(README).toContain(APP_KEY);
  expect(CONFIG).toContain(`key: ${APP_KEY}`);
});

describe("the README's calls", () => {
  test("non-streaming chat: the first target of `chat` (Anthropic) answers in OpenAI's format", async () => {
    const cmd = readmeCurl((c) => c.url.endsWith("/v1/chat/completions") && c.body?.includes('"model": "chat"') === true && !c.body.includes("stream") && !c.body.includes("[[mock"));
    const res = await run(cmd);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-waygate-provider")).toBe("anthropic");
    const body = (await res.json()) as ChatCompletion & { object: string };
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("chat");
    expect(body.choices[0]?.message.content).toBe("[anthropic:claude-sonnet-4-5] system=0 messages=1 tools=0 images=0 tool_results=0 | Hello");
    expect(body.choices[0]?.finish_reason).toBe("stop");
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  test("streaming chat: chunks assemble to the answer, then usage, then [DONE]", async () => {
    const cmd = readmeCurl((c) => c.url.endsWith("/v1/chat/completions") && c.body?.includes('"stream": true') === true);
    const res = await run(cmd);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = sseData(await res.text());
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1) as Array<{ choices: Array<{ delta: { content?: string } }>; usage: ChatCompletion["usage"] | null }>;
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("[anthropic:claude-sonnet-4-5] system=0 messages=1 tools=0 images=0 tool_results=0 | Tell me a story");
    expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? "") !== "").length).toBeGreaterThan(1);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.total_tokens).toBeGreaterThan(0);
  });

  test("Anthropic's API: the same virtual model answers as an Anthropic message", async () => {
    const cmd = readmeCurl((c) => c.url.endsWith("/v1/messages"));
    expect(cmd.headers["x-api-key"]).toBe(APP_KEY);
    const res = await run(cmd);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { type: string; model: string; content: Array<{ type: string; text: string }>; stop_reason: string };
    expect(body.type).toBe("message");
    expect(body.model).toBe("chat");
    expect(body.content[0]?.text).toStartWith("[anthropic:claude-sonnet-4-5]");
    expect(body.stop_reason).toBe("end_turn");
  });

  test("the Node.js openai snippet runs as written", async () => {
    const js = codeBlocks(README).filter((b) => b.lang === "js");
    expect(js.length).toBe(1);
    const code = js[0]!.text.replaceAll(`http://${DEFAULT_GATEWAY}`, gateway);
    const p = Bun.spawn([process.execPath, "--eval", code], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    const [out, err, code$] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect(err).toBe("");
    expect(code$).toBe(0);
    expect(out.trim()).toBe("[anthropic:claude-sonnet-4-5] system=0 messages=1 tools=0 images=0 tool_results=0 | Hello");
  });

  test("the fallback marker: Anthropic fails with 500, OpenAI answers, and the call log shows both attempts", async () => {
    const cmd = readmeCurl((c) => c.body?.includes("[[mock:status=500,provider=anthropic]]") === true);
    expect(cmd.showHeaders).toBe(true);
    const res = await run(cmd);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-waygate-provider")).toBe("openai");
    const body = (await res.json()) as ChatCompletion;
    expect(body.choices[0]?.message.content).toStartWith("[openai:gpt-4o-mini] system=0 messages=1");

    const sql = /sqlite3 data\/calls\.db "([^"]+)"/.exec(README)?.[1];
    expect(sql).toBeDefined();
    const db = new Database(join(dir, "calls.db"), { readonly: true });
    try {
      let row: { ai_virtual_model: string; ai_provider: string; ai_attempts: string } | null = null;
      await waitFor(() => {
        row = db.query(sql!).get() as typeof row;
        return row?.ai_attempts.includes('"status":500') === true;
      }, 5000, 50);
      const r = row! as { ai_virtual_model: string; ai_provider: string; ai_attempts: string };
      expect(r.ai_virtual_model).toBe("chat");
      expect(r.ai_provider).toBe("openai");
      const attempts = JSON.parse(r.ai_attempts) as Array<{ provider: string; model: string; key: string; result: string; status: number }>;
      expect(attempts.map((a) => [a.provider, a.model, a.result, a.status])).toEqual([
        ["anthropic", "claude-sonnet-4-5", "server", 500],
        ["openai", "gpt-4o-mini", "ok", 200],
      ]);
      expect(attempts[0]?.key).toBe("primary");
    } finally {
      db.close();
    }
  });
});

describe("the README's other models and endpoints", () => {
  const other = (path: string, model?: string) =>
    readmeCurl((c) => c.url.endsWith(path) && (model === undefined || c.body?.includes(`"model": "${model}"`) === true) && c.headers.authorization === `Bearer ${APP_KEY}`);

  test("GET /v1/models lists the virtual models and the providers' models", async () => {
    const res = await run(other("/v1/models"));
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as { data: Array<{ id: string; owned_by: string }> }).data.map((m) => m.id);
    expect(ids.slice(0, 5)).toEqual(["chat", "chat-balanced", "chat-smart", "chat-fast", "embed"]);
    expect(ids).toContain("cohere/command-r-plus");
    expect(ids).toContain("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0");
  });

  test("chat-smart with x-tier: premium goes to Bedrock", async () => {
    const cmd = other("/v1/chat/completions", "chat-smart");
    expect(cmd.headers["x-tier"]).toBe("premium");
    const res = await run(cmd);
    expect(res.status).toBe(200);
    expect(((await res.json()) as ChatCompletion).choices[0]?.message.content).toStartWith("[bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0]");
  });

  test("a direct provider/model name reaches that provider", async () => {
    const res = await run(other("/v1/chat/completions", "cohere/command-r-plus"));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-waygate-provider")).toBe("cohere");
    expect(((await res.json()) as ChatCompletion).choices[0]?.message.content).toStartWith("[cohere:command-r-plus]");
  });

  test("the Responses API on chat-balanced answers from OpenAI or Azure", async () => {
    const res = await run(other("/v1/responses", "chat-balanced"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; status: string; output: Array<{ content: Array<{ text: string }> }> };
    expect(body.object).toBe("response");
    expect(body.status).toBe("completed");
    expect(body.output[0]?.content[0]?.text).toMatch(/^\[(openai:gpt-4o|azure:gpt-4o-prod)\] .*\| Hello$/);
  });

  test("embeddings: one vector per input", async () => {
    const res = await run(other("/v1/embeddings", "embed"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ index: number; embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(body.data.map((d) => d.index)).toEqual([0, 1]);
    expect(body.data[0]!.embedding.length).toBeGreaterThan(0);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  });
});

describe("the README's 'more to try' markers behave as described", () => {
  const ask = (content: string, model = "chat", stream = false) =>
    fetch(`${gateway}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${APP_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model, stream, messages: [{ role: "user", content }] }),
    });

  test("context_length on Anthropic skips gpt-4o-mini (smaller window) and Gemini answers", async () => {
    const res = await ask("Hello [[mock:context_length,provider=anthropic]]");
    expect(res.status).toBe(200);
    expect(((await res.json()) as ChatCompletion).choices[0]?.message.content).toStartWith("[gemini:gemini-2.5-flash]");
  });

  test("midstream=3 cuts the stream before any text: OpenAI answers invisibly", async () => {
    const res = await ask("Hello [[mock:midstream=3,provider=anthropic]]", "chat", true);
    const events = sseData(await res.text());
    expect(events.at(-1)).toBe("[DONE]");
    const text = (events.slice(0, -1) as Array<{ choices: Array<{ delta: { content?: string } }> }>).map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toStartWith("[openai:gpt-4o-mini]");
  });

  test("midstream=4 cuts it after text was sent: the stream ends with an error event", async () => {
    const res = await ask("Hello [[mock:midstream=4,provider=anthropic]]", "chat", true);
    expect(res.status).toBe(200);
    const events = sseData(await res.text());
    expect(events).not.toContain("[DONE]");
    expect(events.at(-1)).toMatchObject({ error: { code: "provider_error" } });
  });

  test("no provider= fails every provider: 502 provider_error", async () => {
    const res = await ask("Hello [[mock:status=500]]");
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("provider_error");
  });

  test("a 429 with retry_after rests Anthropic's key: chat goes to OpenAI, the direct name gets 429 with Retry-After", async () => {
    const limited = await ask("Hello [[mock:status=429,retry_after=5,provider=anthropic]]");
    expect(limited.headers.get("x-waygate-provider")).toBe("openai");
    await limited.arrayBuffer();
    const next = await ask("Hello");
    expect(next.headers.get("x-waygate-provider")).toBe("openai");
    await next.arrayBuffer();
    const logged = await loggedAttempts(next.headers.get("x-request-id") ?? "");
    expect(logged.map((a) => [a.provider, a.result])).toEqual([
      ["anthropic", "no_available_key"],
      ["openai", "ok"],
    ]);
    const direct = await ask("Hello", "anthropic/claude-sonnet-4-5");
    expect(direct.status).toBe(429);
    expect(Number(direct.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await direct.json()) as { error: { code: string } }).error.code).toBe("provider_rate_limited");
  });
});

test("the repository README's AI gateway call works too", async () => {
  const top = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = /^## AI gateway\n([\s\S]*?)^## /m.exec(top)?.[1] ?? "";
  expect(section).toContain("./bin/waygate serve --config examples/ai/waygate.yaml");
  const calls = curlCommands(section);
  expect(calls).toHaveLength(1);
  const res = await run(calls[0]!);
  expect(res.status).toBe(200);
  expect(((await res.json()) as ChatCompletion).choices[0]?.message.content).toMatch(/^\[(anthropic|openai):[^\]]+\] .*\| Hello$/);
});

test("the curl examples of docs/ai-gateway.md answer 200 against the example", async () => {
  const calls = curlCommands(readFileSync(join(ROOT, "docs/ai-gateway.md"), "utf8"));
  expect(calls.length).toBeGreaterThanOrEqual(4);
  for (const call of calls) {
    const res = await run(call);
    expect({ call: call.source, status: res.status }).toEqual({ call: call.source, status: 200 });
    await res.arrayBuffer();
  }
});

test("every curl command of the README was run by a test above", () => {
  expect(commands.length).toBeGreaterThanOrEqual(9);
  expect(commands.filter((c) => !used.has(c)).map((c) => c.source)).toEqual([]);
});
