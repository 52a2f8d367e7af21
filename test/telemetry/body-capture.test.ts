/**
 * Body capture through running gateways: what a service or route with
 * `log_bodies` keeps of its calls (bodies masked and capped, headers with
 * every credential redacted), and that no key ever reaches the call log
 * database.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ALL_TEAMS } from "../../src/control/scope.ts";
import type { CallRecord } from "../../src/telemetry/call-record.ts";
import { startAiFixture, type AiFixture } from "../ai/e2e/fixture.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { freshSqliteCallLog } from "./call-log-backends.ts";

const EMAIL = "ann.lee@example.com";
const PASSWORD = "hunter22-very-secret";

describe("REST services", () => {
  let g: TestGateway;
  let upstream: ReturnType<typeof Bun.serve>;
  let key: string;
  let partnerKey: string;

  beforeAll(async () => {
    upstream = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        const body = await req.text();
        return new Response(JSON.stringify({ echoed: body.length, contact: EMAIL, note: "x".repeat(body.length > 5000 ? 5000 : 10) }), {
          headers: { "content-type": "application/json", "set-cookie": "session=upstream-session-cookie", "x-upstream": "yes" },
        });
      },
    });
    g = await startTestGateway();
    const up = await g.create("upstreams", { name: "echo", targets: [{ url: `http://127.0.0.1:${upstream.port}` }] });
    const captured = await g.create("services", {
      name: "captured",
      upstream_id: up.id,
      auth: { mode: "key_auth", locations: ["bearer", { header: "X-Partner-Key" }] },
      log_bodies: { request: true, response: true, max_bytes: 300 },
    });
    await g.create("routes", { name: "captured", service_id: captured.id, paths: ["/captured"] });
    await g.create("routes", { name: "captured-quiet", service_id: captured.id, paths: ["/quiet"], log_bodies: { request: false, response: false } });
    const plain = await g.create("services", { name: "plain", upstream_id: up.id });
    await g.create("routes", { name: "plain", service_id: plain.id, paths: ["/plain"] });
    const app = await g.create("applications", { name: "app" });
    ({ key } = await g.apiKey(app.id));
    ({ key: partnerKey } = await g.apiKey(app.id, "partner"));
    await g.create("subscriptions", { application_id: app.id, service_id: captured.id });
    await g.synced();
  });
  afterAll(async () => {
    await g.stop();
    await upstream.stop(true);
  });

  async function send(path: string, body: string, headers: Record<string, string>): Promise<CallRecord> {
    const res = await fetch(`${g.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    return g.record(res.headers.get("x-request-id")!);
  }

  test("bodies are kept masked, headers with every credential redacted", async () => {
    const body = JSON.stringify({ email: EMAIL, password: PASSWORD, item: 7 });
    const r = await send("/captured/orders", body, { authorization: `Bearer ${key}`, cookie: "sid=abc", "x-partner-key": partnerKey, "x-trace": "t1" });
    const b = r.bodies!;
    expect(b).not.toBeNull();
    expect(b.request_headers.authorization).toBe("[redacted]");
    expect(b.request_headers.cookie).toBe("[redacted]");
    expect(b.request_headers["x-partner-key"]).toBe("[redacted]");
    expect(b.request_headers["x-trace"]).toBe("t1");
    expect(b.request_headers["content-type"]).toBe("application/json");
    expect(b.request_body).toContain('"item":7');
    expect(b.request_body).not.toContain(EMAIL);
    expect(b.request_body).not.toContain(PASSWORD);
    expect(b.request_body).toContain("[REDACTED:email]");
    expect(b.response_headers["set-cookie"]).toBe("[redacted]");
    expect(b.response_headers["x-upstream"]).toBe("yes");
    expect(b.response_body).toContain('"echoed"');
    expect(b.response_body).not.toContain(EMAIL);
    expect(b.truncated).toBe(false);
  });

  test("bodies over the limit are cut at max_bytes and marked truncated", async () => {
    const big = JSON.stringify({ filler: "é".repeat(4000) });
    const r = await send("/captured/big", big, { "x-partner-key": partnerKey });
    expect(Buffer.byteLength(r.bodies!.request_body!)).toBeLessThanOrEqual(300);
    expect(Buffer.byteLength(r.bodies!.request_body!)).toBeGreaterThan(290);
    expect(r.bodies!.request_body!.includes("\uFFFD")).toBe(false);
    expect(r.bodies!.truncated).toBe(true);
    expect(r.request_bytes).toBe(Buffer.byteLength(big));
  });

  test("a route can turn its service's capture off, and services without it keep nothing", async () => {
    expect((await send("/quiet/x", "{}", { authorization: `Bearer ${key}` })).bodies).toBeNull();
    expect((await send("/plain/x", "{}", {})).bodies).toBeNull();
  });

  test("no key, cookie or password ever reaches the call log database", async () => {
    const log = await freshSqliteCallLog();
    try {
      await log.store.write(await g.records());
      const stored = await log.store.list({ limit: 1000 }, ALL_TEAMS);
      expect(stored.items.length).toBeGreaterThan(3);
      const withBodies = await Promise.all(stored.items.map((r) => log.store.get(r.request_id, ALL_TEAMS)));
      expect(withBodies.some((r) => r?.bodies?.request_headers.authorization === "[redacted]")).toBe(true);
      await log.store.close();
      const dir = dirname(log.location);
      const bytes = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString("latin1")).join("");
      expect(bytes).toContain("[redacted]");
      for (const secret of [key, partnerKey, "upstream-session-cookie", "sid=abc", PASSWORD, EMAIL]) expect(bytes.includes(secret)).toBe(false);
    } finally {
      await log.dispose().catch(() => undefined);
    }
  });
});

describe("AI services", () => {
  let f: AiFixture;
  beforeAll(async () => {
    f = await startAiFixture();
    const svc = (await f.g.store.getByName("services", "ai"))!;
    const { id, created_at: _c, updated_at: _u, ...fields } = svc;
    await f.g.update("services", id, { ...fields, log_bodies: { request: true, response: true, max_bytes: 4096 } });
    await f.g.synced();
  });
  afterAll(async () => {
    await f.stop();
  });

  const ask = (stream: boolean) =>
    fetch(`${f.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${f.appKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "oa/gpt-4o-mini", stream, messages: [{ role: "user", content: `Say hello to ${EMAIL}` }] }),
    });

  test("a whole answer is kept as its text", async () => {
    const res = await ask(false);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    const r = await f.g.record(res.headers.get("x-request-id")!);
    // The simulator echoes the prompt: the stored answer is the client's, masked.
    expect(answer.choices[0]!.message.content).toContain(EMAIL);
    expect(r.bodies!.response_body).toBe(answer.choices[0]!.message.content.replace(EMAIL, "[REDACTED:email]"));
    expect(r.bodies!.request_body).toContain("Say hello to [REDACTED:email]");
    expect(r.bodies!.request_headers.authorization).toBe("[redacted]");
  });

  test("a streamed answer is kept as the assembled text the client received", async () => {
    const res = await ask(true);
    expect(res.status).toBe(200);
    const sse = await res.text();
    const text = sse
      .split("\n")
      .filter((l) => l.startsWith("data: ") && l !== "data: [DONE]")
      .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? "")
      .join("");
    expect(text.length).toBeGreaterThan(0);
    const r = await f.g.record(res.headers.get("x-request-id")!);
    expect(r.ai?.stream).toBe(true);
    expect(text).toContain(EMAIL);
    expect(r.bodies!.response_body).toBe(text.replace(EMAIL, "[REDACTED:email]"));
  });
});
