import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import OpenAI from "openai";

const BIN = join(import.meta.dir, "..", "..", "bin", "waygate");

function spawn(args: string[]) {
  return Bun.spawn([BIN, ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
}

async function freePort(): Promise<number> {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** Reads stdout until `done` says the text so far is enough. */
async function readUntil(stream: ReadableStream<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  while (!done(text)) {
    const r = await reader.read();
    if (r.done) break;
    text += new TextDecoder().decode(r.value);
  }
  reader.releaseLock();
  return text;
}

describe("waygate mock-providers", () => {
  test("--help", async () => {
    const proc = spawn(["mock-providers", "--help"]);
    const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    expect(code).toBe(0);
    expect(stdout).toContain("--listen HOST:PORT");
    expect(stdout).toContain("[[mock:status=500]]");
  });

  test("a bad --listen is a usage error", async () => {
    const proc = spawn(["mock-providers", "--listen", "nope"]);
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(2);
    expect(stderr).toContain("--listen");
  });

  test("prints the base URLs, serves them, stops on SIGTERM and SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const port = await freePort();
      const proc = spawn(["mock-providers", "--listen", `127.0.0.1:${port}`]);
      const stdout = await readUntil(proc.stdout, (t) => /cohere\s+\S+\n/.test(t));
      const base = `http://127.0.0.1:${port}`;
      expect(stdout).toContain(`openai     ${base}/openai/v1`);
      expect(stdout).toContain(`azure      ${base}/azure`);
      expect(stdout).toContain(`mistral    ${base}/mistral/v1`);
      expect(stdout).toContain(`cohere     ${base}/cohere`);
      const client = new OpenAI({ apiKey: "k", baseURL: `${base}/openai/v1`, maxRetries: 0 });
      const res = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "ping" }] });
      expect(res.choices[0]?.message.content).toEndWith("| ping");
      proc.kill(signal);
      expect(await proc.exited).toBe(0);
    }
  });
});
