/**
 * `waygate serve` as shipped: a prompt API created through the admin API
 * answers on the proxy, and "try it" runs it through the same process's
 * gateway, its record searchable in the call log with the prompt API's name.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockProviders } from "../../src/mock/server.ts";
import { servedUrls } from "../support/serve.ts";

const dir = mkdtempSync(join(tmpdir(), "waygate-serve-prompts-"));
const mock = startMockProviders({ hostname: "127.0.0.1", port: 0 });
afterAll(async () => {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});
const BIN = join(import.meta.dir, "..", "..", "bin", "waygate");
const TOKEN = "p".repeat(32);

test("a prompt API answers on the proxy and can be tried from the admin API; both calls are logged with its name", async () => {
  const proc = Bun.spawn([BIN, "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", dir, "--db", `sqlite:${join(dir, "w.db")}`], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, WAYGATE_ADMIN_TOKEN: TOKEN },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const { proxy, admin } = await servedUrls(proc);
    const adminCall = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${admin}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
    };
    expect((await adminCall("POST", "/admin/providers", { name: "oa", kind: "openai", base_url: `${mock.url}/openai/v1`, keys: [{ name: "k", secret: "sk-test" }] })).status).toBe(201);
    const svc = await adminCall("POST", "/admin/services", { name: "ai", kind: "ai" });
    await adminCall("POST", "/admin/routes", { name: "ai-route", service_id: svc.body.id, paths: ["/ai"] });
    const created = await adminCall("POST", "/admin/prompt-apis/templates/sentiment/instantiate", { name: "sentiment", service_id: "ai", model: "oa/gpt-4o-mini" });
    expect(created.status).toBe(201);

    let served: Response | undefined;
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await Bun.sleep(50)) {
      served = await fetch(`${proxy}/ai/sentiment`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "lovely" }) });
      if (served.status === 200) break;
    }
    expect(served?.status).toBe(200);
    expect(((await served?.json()) as { output: unknown }).output).toEqual({ sentiment: "positive", confidence: 0 });

    const tried = await adminCall("POST", "/admin/prompt-apis/sentiment/try", { text: "lovely" });
    expect(tried.status).toBe(200);
    const callId = tried.headers.get("x-waygate-call-id") as string;
    let logged: Record<string, any> | undefined;
    for (const deadline = Date.now() + 5000; Date.now() < deadline && !logged; await Bun.sleep(50)) {
      const res = await fetch(`${admin}/admin/calls/${callId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.status === 200) logged = (await res.json()) as Record<string, any>;
    }
    expect(logged?.ai?.prompt_api).toBe("sentiment");
    expect(logged?.ai?.endpoint).toBe("prompt_api");
    expect(logged?.ai?.cost_usd).toBeGreaterThan(0);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    proc.kill();
  }
});
