/**
 * Routing strategies and fallback triggers through the whole gateway and
 * the provider simulator: weights, latency, price, conditions, context
 * windows, content filters, and credentials parked after a 401.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { RouteNode } from "../../../src/config/ai-entities.ts";
import { providerData } from "../../support/gateway.ts";
import { type AiFixture, parseMockReply, startAiFixture } from "./fixture.ts";

let f: AiFixture;

async function vm(name: string, route: RouteNode): Promise<void> {
  await f.g.store.create("virtual_models", { name, description: "", route });
}

beforeAll(async () => {
  f = await startAiFixture();
  const m = f.mock.url;
  // Providers of this file only, so latency observations and key state start clean.
  await f.g.store.create("providers", providerData({ name: "ll-an", kind: "anthropic", base_url: `${m}/anthropic`, keys: [{ name: "k1", secret: "sk-ant-ll" }] }));
  await f.g.store.create("providers", providerData({ name: "ll-oa", kind: "openai", base_url: `${m}/openai/v1`, keys: [{ name: "k1", secret: "sk-ll" }] }));
  await f.g.store.create("providers", providerData({ name: "local", kind: "openai_compatible", base_url: `${m}/openai/v1`, keys: [{ name: "k1", secret: "sk-local" }] }));
  await f.g.store.create(
    "providers",
    providerData({
      name: "oa-keys",
      kind: "openai",
      base_url: `${m}/openai/v1`,
      auth_failure_park_ms: 1000,
      keys: [
        { name: "revoked", secret: "sk-invalid-revoked" },
        { name: "good", secret: "sk-good-key" },
      ],
    }),
  );
  const t = (provider: string, model: string, extra: { weight?: number } = {}): RouteNode => ({ type: "target", provider, model, ...extra });
  await vm("lb", { type: "loadbalance", targets: [t("oa", "gpt-4o-mini", { weight: 70 }), t("mi", "mistral-large-latest", { weight: 30 })] });
  await vm("fastest", { type: "least_latency", targets: [t("ll-an", "claude-sonnet-4-5"), t("ll-oa", "gpt-4o-mini")] });
  await vm("cheapest", { type: "lowest_cost", targets: [t("local", "local-llm"), t("an", "claude-sonnet-4-5"), t("oa", "gpt-4o-mini")] });
  await vm("tiered", {
    type: "conditional",
    rules: [
      { when: [{ field: "header.x-tier", op: "eq", value: "premium" }], then: t("an", "claude-sonnet-4-5") },
      { when: [{ field: "metadata.team", op: "in", value: ["research", "science"] }], then: t("gm", "gemini-2.5-flash") },
    ],
    default: t("oa", "gpt-4o-mini"),
  });
  await vm("premium-only", { type: "conditional", rules: [{ when: [{ field: "header.x-tier", op: "eq", value: "premium" }], then: t("an", "claude-sonnet-4-5") }] });
  await vm("long-context", { type: "fallback", targets: [t("oa", "gpt-4o-mini"), t("oa", "gpt-4o"), t("oa", "gpt-4.1")] });
  await vm("filtered-on", { type: "fallback", on: ["content_filter"], targets: [t("az", "gpt-4o"), t("oa", "gpt-4o-mini")] });
  await vm("filtered-off", { type: "fallback", on: ["server_error", "rate_limited"], targets: [t("az", "gpt-4o"), t("oa", "gpt-4o-mini")] });
  await f.g.synced();
});
afterAll(() => f.stop());
afterEach(() => {
  f.mock.control.faults.length = 0;
  f.mock.control.always.clear();
});

interface Answer {
  status: number;
  provider: string | null;
  requestId: string;
  body: { choices?: Array<{ message: { content: string } }>; error?: { code?: string; message: string } };
}

async function chat(model: string, opts: { headers?: Record<string, string>; extra?: Record<string, unknown>; text?: string } = {}): Promise<Answer> {
  const res = await fetch(`${f.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${f.appKey}`, "content-type": "application/json", ...opts.headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: opts.text ?? "hello" }], ...opts.extra }),
  });
  return { status: res.status, provider: res.headers.get("x-waygate-provider"), requestId: res.headers.get("x-request-id") ?? "", body: (await res.json()) as Answer["body"] };
}

const replyOf = (a: Answer) => parseMockReply(a.body.choices?.[0]?.message.content ?? "");

test("loadbalance spreads traffic across providers by weight (70/30)", async () => {
  const served = new Map<string, number>();
  const N = 300;
  for (let i = 0; i < N; i += 10) {
    const batch = await Promise.all(Array.from({ length: 10 }, () => chat("lb")));
    for (const a of batch) {
      expect(a.status).toBe(200);
      served.set(a.provider ?? "", (served.get(a.provider ?? "") ?? 0) + 1);
    }
  }
  expect([...served.keys()].sort()).toEqual(["mi", "oa"]);
  // 300 draws at p = 0.7: the standard deviation is 2.6%; ±10% is about four of them.
  expect((served.get("oa") ?? 0) / N).toBeGreaterThan(0.6);
  expect((served.get("oa") ?? 0) / N).toBeLessThan(0.8);
});

test("least_latency: each target is measured once, then the faster provider gets the traffic", async () => {
  f.mock.control.always.set("anthropic", { kind: "latency", ms: 120 });
  const first = await chat("fastest");
  const second = await chat("fastest");
  // Unmeasured targets are explored in configured order.
  expect([first.provider, second.provider]).toEqual(["ll-an", "ll-oa"]);
  const rest: Array<string | null> = [];
  for (let i = 0; i < 8; i++) rest.push((await chat("fastest")).provider);
  expect(new Set(rest)).toEqual(new Set(["ll-oa"]));
});

test("least_latency still fails over to the slower provider when the faster one fails", async () => {
  f.mock.control.always.set("openai", { kind: "status", status: 500 });
  const a = await chat("fastest");
  expect(a.status).toBe(200);
  expect(a.provider).toBe("ll-an");
});

test("lowest_cost picks the cheapest model per the catalog; unknown prices come last", async () => {
  const a = await chat("cheapest");
  expect(a.provider).toBe("oa");
  const record = await f.g.record(a.requestId);
  expect(record.ai?.model).toBe("gpt-4o-mini");
  expect(record.ai?.cost_usd).toBeGreaterThan(0);
  // The cheapest fails: next is Claude (priced), not the local model (unpriced).
  f.mock.control.faults.push({ provider: "openai", kind: "status", status: 500 });
  const b = await chat("cheapest");
  expect(b.provider).toBe("an");
  const attempts = (await f.g.record(b.requestId)).ai?.attempts.map((x) => [x.provider, x.result]);
  expect(attempts).toEqual([
    ["oa", "server"],
    ["an", "ok"],
  ]);
});

describe("conditional", () => {
  test("on a header", async () => {
    expect((await chat("tiered", { headers: { "x-tier": "premium" } })).provider).toBe("an");
    expect((await chat("tiered", { headers: { "x-tier": "basic" } })).provider).toBe("oa");
  });

  test("on the request's metadata", async () => {
    const a = await chat("tiered", { extra: { metadata: { team: "science" } } });
    expect(a.status).toBe(200);
    expect(a.provider).toBe("gm");
    expect(replyOf(a).provider).toBe("gemini");
    expect((await chat("tiered", { extra: { metadata: { team: "sales" } } })).provider).toBe("oa");
  });

  test("the first matching rule wins", async () => {
    expect((await chat("tiered", { headers: { "x-tier": "premium" }, extra: { metadata: { team: "research" } } })).provider).toBe("an");
  });

  test("no rule and no default: a clear 400, nothing sent upstream", async () => {
    const before = f.mock.control.requests.length;
    const a = await chat("premium-only");
    expect(a.status).toBe(400);
    expect(a.body.error?.message).toContain("no route");
    expect(f.mock.control.requests.length).toBe(before);
  });
});

test("context_length: falls back to a model with a larger window, skipping one no larger", async () => {
  f.mock.control.faults.push({ provider: "openai", kind: "context_length" });
  const a = await chat("long-context");
  expect(a.status).toBe(200);
  const record = await f.g.record(a.requestId);
  expect(record.ai?.attempts.map((x) => [x.model, x.result])).toEqual([
    ["gpt-4o-mini", "context_length"],
    ["gpt-4.1", "ok"],
  ]);
  expect(record.ai?.model).toBe("gpt-4.1");
  const models = f.mock.control.requests.slice(-2).map((r) => (r.body as { model: string }).model);
  expect(models).toEqual(["gpt-4o-mini", "gpt-4.1"]);
});

test("context_length everywhere: the client hears context_length_exceeded", async () => {
  f.mock.control.always.set("openai", { kind: "context_length" });
  const a = await chat("long-context");
  expect(a.status).toBe(400);
  expect(a.body.error?.code).toBe("context_length_exceeded");
});

describe("content_filter", () => {
  test("listed in `on`: the backup answers", async () => {
    f.mock.control.faults.push({ provider: "azure", kind: "content_filter" });
    const a = await chat("filtered-on");
    expect(a.status).toBe(200);
    expect(a.provider).toBe("oa");
    expect((await f.g.record(a.requestId)).ai?.attempts.map((x) => x.result)).toEqual(["content_filter", "ok"]);
  });

  test("not listed in `on`: no fallback, the client hears the filter", async () => {
    f.mock.control.faults.push({ provider: "azure", kind: "content_filter" });
    const before = f.mock.control.requests.filter((r) => r.provider === "openai").length;
    const a = await chat("filtered-off");
    expect(a.status).toBe(400);
    expect(a.body.error?.code).toBe("content_filtered");
    expect(f.mock.control.requests.filter((r) => r.provider === "openai").length).toBe(before);
  });
});

test("a key answered 401 is parked, the other key serves, and the parked key is tried again after its park time", async () => {
  const keyOf = (auth: string | undefined) => (auth?.includes("invalid") ? "revoked" : "good");
  const used = () => f.mock.control.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => keyOf(r.headers.authorization));
  const start = used().length;
  // Until the balancer has offered the revoked key once.
  for (let i = 0; i < 4 && !used().slice(start).includes("revoked"); i++) expect((await chat("oa-keys/gpt-4o-mini")).status).toBe(200);
  expect(used().slice(start)).toContain("revoked");

  const parked = f.g.gw.health().find((h) => h.url.endsWith("#revoked"));
  expect(parked?.cooldown?.reason).toContain("credential rejected (401)");
  expect(parked?.available).toBe(false);

  const during = used().length;
  for (let i = 0; i < 5; i++) expect((await chat("oa-keys/gpt-4o-mini")).status).toBe(200);
  expect(new Set(used().slice(during))).toEqual(new Set(["good"]));

  await Bun.sleep(1050);
  expect(f.g.gw.health().find((h) => h.url.endsWith("#revoked"))?.cooldown).toBeNull();
  const after = used().length;
  for (let i = 0; i < 4 && !used().slice(after).includes("revoked"); i++) expect((await chat("oa-keys/gpt-4o-mini")).status).toBe(200);
  expect(used().slice(after)).toContain("revoked");
  // Rejected again: parked twice as long this time.
  const again = f.g.gw.health().find((h) => h.url.endsWith("#revoked"))?.cooldown;
  expect(again).not.toBeNull();
  expect(Date.parse(again!.until) - Date.now()).toBeGreaterThan(1500);
});
