/**
 * Every lifecycle step through /admin/lifecycle and what the gateway does
 * in each state: a draft is not served, a published service is, a
 * deprecated one is served with Deprecation / Sunset / Link headers, and a
 * retired one answers 410 api_retired naming its successor.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { deprecationValue, sunsetValue } from "../../src/lifecycle/headers.ts";
import { type LifecycleEnv, make, member, service, startLifecycleEnv } from "./fixture.ts";

let env: LifecycleEnv;
let team: string;

beforeAll(async () => {
  env = await startLifecycleEnv();
  team = (await make(env, "teams", { name: "orders" })).id;
});

afterAll(async () => {
  await env.stop();
});

async function step(ref: string, body: Record<string, unknown>, token?: string) {
  const res = await env.api("POST", `/admin/lifecycle/${ref}`, body, token);
  await env.synced();
  return res;
}

test("a service without a lifecycle is published and served, as before lifecycles existed", async () => {
  await service(env, team, "legacy", "/legacy");
  await env.synced();
  expect(await env.who("/legacy/x")).toBe("a");
  const res = await env.api("GET", "/admin/lifecycle/legacy");
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ name: "legacy", lifecycle: "published", allowed: ["deprecated"], release: null });
});

test("draft is not served; publishing it serves it", async () => {
  await service(env, team, "fresh", "/fresh", { lifecycle: "draft", version: "0.1.0" });
  await env.synced();
  const draft = await env.get("/fresh/x");
  expect(draft.status).toBe(404);
  expect(((await draft.json()) as { error: { code: string } }).error.code).toBe("route_not_found");

  const res = await step("fresh", { to: "published" });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ lifecycle: "published", version: "0.1.0", allowed: ["deprecated"] });
  expect(await env.who("/fresh/x")).toBe("a");
  const served = await env.get("/fresh/x");
  expect(served.headers.get("deprecation")).toBeNull();
  expect(served.headers.get("sunset")).toBeNull();
});

test("deprecated is served with Deprecation (RFC 9745), Sunset (RFC 8594) and Link to the successor and the docs", async () => {
  await service(env, team, "billing-v1", "/billing/v1");
  await service(env, team, "billing-v2", "/billing/v2/:id");
  await env.synced();
  const res = await step("billing-v1", {
    to: "deprecated",
    successor_service_id: "billing-v2",
    sunset_at: "2027-06-30T23:59:59Z",
    deprecation_link: "https://docs.example.com/billing/v1-deprecation",
  });
  expect(res.status).toBe(200);
  const deprecatedAt = res.body.deprecated_at as string;
  expect(Date.now() - Date.parse(deprecatedAt)).toBeLessThan(60_000);
  expect(res.body).toMatchObject({ lifecycle: "deprecated", sunset_at: "2027-06-30T23:59:59.000Z", allowed: ["retired", "published"] });

  const served = await env.get("/billing/v1/invoices");
  expect(served.status).toBe(200);
  expect(((await served.json()) as { upstream: string }).upstream).toBe("a");
  expect(served.headers.get("deprecation")).toBe(`@${Math.floor(Date.parse(deprecatedAt) / 1000)}`);
  expect(served.headers.get("deprecation")).toMatch(/^@\d+$/);
  expect(served.headers.get("sunset")).toBe("Wed, 30 Jun 2027 23:59:59 GMT");
  const link = served.headers.get("link") ?? "";
  // The upstream's own Link survives; the successor's path is its first route's literal prefix.
  expect(link).toContain('</docs>; rel="help"');
  expect(link).toContain('</billing/v2>; rel="successor-version"');
  expect(link).toContain('<https://docs.example.com/billing/v1-deprecation>; rel="deprecation"; type="text/html"');
});

test("deprecation headers also ride on the gateway's own refusals", async () => {
  await service(env, team, "keyed-v1", "/keyed/v1", { auth: { mode: "key_auth" } });
  await env.synced();
  expect((await step("keyed-v1", { to: "deprecated", sunset_at: "2027-01-01T00:00:00Z" })).status).toBe(200);
  const refused = await env.get("/keyed/v1/x");
  expect(refused.status).toBe(401);
  expect(refused.headers.get("sunset")).toBe("Fri, 01 Jan 2027 00:00:00 GMT");
  expect(refused.headers.get("deprecation")).toMatch(/^@\d+$/);
});

test("retired answers 410 api_retired naming the successor, with Link rel=successor-version; the upstream is not called", async () => {
  await service(env, team, "ledger-v1", "/ledger/v1");
  await service(env, team, "ledger-v2", "/ledger/v2");
  await env.synced();
  expect((await step("ledger-v1", { to: "deprecated", successor_service_id: "ledger-v2" })).status).toBe(200);
  expect((await step("ledger-v1", { to: "retired" })).status).toBe(200);
  const before = env.a.hits();
  const res = await env.get("/ledger/v1/accounts", { method: "POST", body: "{}" });
  expect(res.status).toBe(410);
  expect(env.a.hits()).toBe(before);
  expect(res.headers.get("link")).toBe('</ledger/v2>; rel="successor-version"');
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("api_retired");
  expect(body.error.message).toContain("'ledger-v2'");
  expect(body.error.message).toContain("/ledger/v2");
  expect(await env.who("/ledger/v2/accounts")).toBe("a");
});

test("retired AI services answer 410 in the OpenAI and the Anthropic error formats", async () => {
  await make(env, "services", { name: "ai-old", team_id: team, kind: "ai", successor_url: "https://ai.example.com/v2", lifecycle: "retired" });
  const svc = (await env.api("GET", "/admin/services/ai-old")).body.id as string;
  await make(env, "routes", { name: "ai-old-route", service_id: svc, paths: ["/ai-old"] });
  await env.synced();
  const openai = await env.get("/ai-old/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }) });
  expect(openai.status).toBe(410);
  expect(openai.headers.get("link")).toBe('<https://ai.example.com/v2>; rel="successor-version"');
  const o = (await openai.json()) as { error: { code: string; message: string; type: string } };
  expect(o.error.code).toBe("api_retired");
  expect(o.error.message).toContain("https://ai.example.com/v2");
  expect(typeof o.error.type).toBe("string");

  const anthropic = await env.get("/ai-old/v1/messages", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(anthropic.status).toBe(410);
  const a = (await anthropic.json()) as { type: string; error: { type: string; message: string } };
  expect(a.type).toBe("error");
  expect(a.error.message).toContain("retired");
});

test("steps out of order are 409 invalid_transition; the documented steps back are allowed", async () => {
  await service(env, team, "steps", "/steps");
  await env.synced();
  const skip = await step("steps", { to: "retired" });
  expect(skip.status).toBe(409);
  expect(skip.body.error.code).toBe("invalid_transition");
  expect((await step("steps", { to: "draft" })).status).toBe(409);

  expect((await step("steps", { to: "deprecated", sunset_at: "2027-01-01T00:00:00Z" })).status).toBe(200);
  const back = await step("steps", { to: "published" });
  expect(back.status).toBe(200);
  // Withdrawing a deprecation withdraws its dates, so no header is sent any more.
  expect(back.body).toMatchObject({ lifecycle: "published", deprecated_at: null, sunset_at: null });
  expect((await env.get("/steps/x")).headers.get("deprecation")).toBeNull();

  expect((await step("steps", { to: "deprecated" })).status).toBe(200);
  expect((await step("steps", { to: "retired" })).status).toBe(200);
  expect((await env.get("/steps/x")).status).toBe(410);
  expect((await step("steps", { to: "published" })).status).toBe(409);
  expect((await step("steps", { to: "deprecated" })).status).toBe(200);
  expect(await env.who("/steps/x")).toBe("a");
});

test("PUT and PATCH cannot skip steps either", async () => {
  await service(env, team, "patched", "/patched");
  const res = await env.api("PATCH", "/admin/services/patched", { lifecycle: "retired" });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe("invalid_transition");
  expect((await env.api("PATCH", "/admin/services/patched", { lifecycle: "deprecated" })).status).toBe(200);
});

test("bad steps are 400 with the failing field; unknown services 404", async () => {
  const bad = await step("legacy", { to: "gone" });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].path).toBe("to");
  const sunset = await step("legacy", { to: "deprecated", sunset_at: "soon" });
  expect(sunset.status).toBe(400);
  expect(sunset.body.error.details[0].path).toBe("sunset_at");
  const self = await step("legacy", { to: "deprecated", successor_service_id: "legacy" });
  expect(self.status).toBe(400);
  const missing = await step("legacy", { to: "deprecated", successor_service_id: "nope" });
  expect(missing.status).toBe(400);
  expect(missing.body.error.code).toBe("reference_not_found");
  expect((await step("no-such-service", { to: "deprecated" })).status).toBe(404);
  expect((await env.api("GET", "/admin/lifecycle/legacy")).body.lifecycle).toBe("published");
});

test("only the service team's team_admin or service_admin may step; other teams see 404; every step is audited", async () => {
  await service(env, team, "guarded", "/guarded");
  const other = (await make(env, "teams", { name: "elsewhere" })).id;
  const developer = await member(env, "orders-dev", team, "developer");
  const serviceAdmin = await member(env, "orders-sa", team, "service_admin");
  const outsider = await member(env, "elsewhere-admin", other, "team_admin");

  const denied = await step("guarded", { to: "deprecated" }, developer);
  expect(denied.status).toBe(403);
  expect(denied.body.error.code).toBe("forbidden");
  expect((await env.api("GET", "/admin/lifecycle/guarded", undefined, developer)).status).toBe(200);
  expect((await env.api("GET", "/admin/lifecycle/guarded", undefined, outsider)).status).toBe(404);
  expect((await step("guarded", { to: "deprecated" }, outsider)).status).toBe(404);

  const ok = await step("guarded", { to: "deprecated" }, serviceAdmin);
  expect(ok.status).toBe(200);
  const log = await env.api("GET", `/admin/audit-log?entity_id=${ok.body.id}`);
  expect(log.status).toBe(200);
  const entries = (log.body.data as Array<{ action: string; actor: { username: string }; before: { lifecycle: string }; after: { lifecycle: string }; teams: string[] }>).filter(
    (e) => e.action === "lifecycle_deprecated",
  );
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ actor: { username: "orders-sa" }, before: { lifecycle: "published" }, after: { lifecycle: "deprecated" }, teams: [team] });
});

test("header values follow the RFCs' grammar", () => {
  expect(deprecationValue("2023-06-30T23:59:59Z")).toBe("@1688169599");
  expect(sunsetValue("2018-12-31T23:59:59Z")).toBe("Mon, 31 Dec 2018 23:59:59 GMT");
});
