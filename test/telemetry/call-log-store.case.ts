/**
 * The CallLogStore suite, run against every backend: what is written comes
 * back whole, every filter selects exactly the matching calls, pages are
 * stable while calls keep arriving, retention follows each team's days
 * without holding writes up, and no scope sees another team's calls.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CallFilter, CallLogStore, CallQuery } from "../../src/calls/call-log-store.ts";
import { DAY_MS } from "../../src/calls/retention.ts";
import { ALL_TEAMS, teamsScope, type TeamScope } from "../../src/control/scope.ts";
import { emptyAiFields, emptyRecord, type CallRecord } from "../../src/telemetry/call-record.ts";
import type { FreshCallLog } from "./call-log-backends.ts";

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const TEAMS = ["team-a", "team-b", null] as const;
const STATUSES = [200, 201, 302, 404, 429, 502, 503];
const ERRORS: Record<number, string | null> = { 200: null, 201: null, 302: null, 404: "route_not_found", 429: "rate_limited", 502: "upstream_error", 503: "no_healthy_upstream" };

/** A varied set of calls: every filter has matches and non-matches, some share a timestamp. */
export function sampleCalls(n: number, base = T0): CallRecord[] {
  return Array.from({ length: n }, (_, i) => {
    // Every third call shares its timestamp with the previous one, to exercise the request-id tie-break.
    const r = emptyRecord(`req-${String(i).padStart(4, "0")}`, base + Math.floor((i * 2) / 3) * 1000, i % 2 ? "POST" : "GET", "api.test", `/orders/${i}${i % 10 === 0 ? "/100%_off" : ""}`, `10.0.0.${i % 7}`);
    r.team_id = TEAMS[i % 3] ?? null;
    r.service_id = `svc-${i % 4}`;
    r.route_id = `route-${i % 5}`;
    r.application_id = i % 6 === 0 ? null : `app-${i % 2}`;
    r.credential_id = r.application_id ? `cred-${i % 2}` : null;
    r.status = STATUSES[i % STATUSES.length]!;
    r.error_code = ERRORS[r.status] ?? null;
    // Every eleventh call is slow (over a second), as the slow-call index holds them.
    r.total_ms = i % 11 === 0 ? 1000 + ((i * 53) % 4000) : (i * 37) % 500;
    r.gateway_ms = 0.5;
    r.upstream_ttfb_ms = r.status >= 500 ? null : r.total_ms / 2;
    r.request_bytes = i * 10;
    r.response_bytes = i * 100;
    r.trace_id = (i + 1).toString(16).padStart(32, "0");
    r.span_id = (i + 1).toString(16).padStart(16, "0");
    if (i % 4 === 1) {
      r.ai = emptyAiFields("openai_chat", "smart", i % 8 === 1);
      r.ai.provider = i % 3 === 0 ? "anthropic" : "openai";
      r.ai.model = i % 3 === 0 ? "claude-x" : "gpt-x";
      r.ai.virtual_model = "smart";
      r.ai.input_tokens = i;
      r.ai.output_tokens = 2 * i;
      r.ai.cached_tokens = 1;
      r.ai.reasoning_tokens = 3;
      r.ai.tokens_estimated = i % 8 === 5;
      r.ai.cost_usd = i / 1000;
      r.ai.finish_reason = "stop";
      r.ai.attempts = [{ provider: r.ai.provider, model: r.ai.model, key: "k1", result: "ok", status: 200, ms: 12 }];
    }
    return r;
  });
}

const LIST_ORDER = (a: CallRecord, b: CallRecord) => b.ts - a.ts || (a.request_id < b.request_id ? 1 : a.request_id > b.request_id ? -1 : 0);

/** The calls a filter should select, decided independently of any SQL. */
function expected(all: CallRecord[], f: CallFilter, scope: TeamScope = ALL_TEAMS): string[] {
  return all
    .filter((r) => scope.kind === "all" || (r.team_id !== null && scope.teams.has(r.team_id)))
    .filter((r) => f.from === undefined || r.ts >= f.from)
    .filter((r) => f.to === undefined || r.ts < f.to)
    .filter((r) => f.team_id === undefined || r.team_id === f.team_id)
    .filter((r) => f.service_id === undefined || r.service_id === f.service_id)
    .filter((r) => f.route_id === undefined || r.route_id === f.route_id)
    .filter((r) => f.application_id === undefined || r.application_id === f.application_id)
    .filter((r) => f.status === undefined || r.status === f.status)
    .filter((r) => f.status_class === undefined || Math.floor(r.status / 100) === f.status_class)
    .filter((r) => f.error_code === undefined || r.error_code === f.error_code)
    .filter((r) => f.provider === undefined || r.ai?.provider === f.provider)
    .filter((r) => f.model === undefined || r.ai?.model === f.model)
    .filter((r) => f.min_latency_ms === undefined || r.total_ms >= f.min_latency_ms)
    .filter((r) => f.request_id === undefined || r.request_id === f.request_id)
    .filter((r) => f.text === undefined || r.path.toLowerCase().includes(f.text.toLowerCase()) || (r.error_code ?? "").toLowerCase().includes(f.text.toLowerCase()))
    .sort(LIST_ORDER)
    .map((r) => r.request_id);
}

async function listAll(store: CallLogStore, filter: CallFilter, scope: TeamScope = ALL_TEAMS, limit = 1000): Promise<CallRecord[]> {
  const out: CallRecord[] = [];
  let query: CallQuery = { ...filter, limit };
  for (;;) {
    const page = await store.list(query, scope);
    out.push(...page.items);
    if (!page.next) return out;
    query = { ...filter, limit, after: page.next };
  }
}

function withoutBodies(r: CallRecord): CallRecord {
  return { ...r, bodies: null };
}

export function callLogStoreSuite(backend: string, fresh: () => Promise<FreshCallLog>): void {
  describe(`call log store (${backend})`, () => {
    let db: FreshCallLog;
    let store: CallLogStore;
    const calls = sampleCalls(120);

    beforeAll(async () => {
      db = await fresh();
      store = db.store;
      calls[3]!.bodies = {
        request_headers: { "content-type": "application/json", authorization: "[redacted]" },
        request_body: '{"q":"hello"}',
        response_headers: { "content-type": "application/json" },
        response_body: '{"a":"world"}',
        truncated: true,
      };
      await store.write(calls.slice(0, 50));
      await store.write(calls.slice(50));
    });
    afterAll(async () => {
      await db.dispose();
    });

    test("a written call comes back whole, bodies only from get()", async () => {
      for (const original of [calls[3]!, calls[5]!, calls[0]!]) {
        const got = await store.get(original.request_id, ALL_TEAMS);
        expect(got).toEqual(original);
        const [listed] = (await store.list({ request_id: original.request_id, limit: 10 }, ALL_TEAMS)).items;
        expect(listed).toEqual(withoutBodies(original));
      }
      expect(await store.get("no-such-request", ALL_TEAMS)).toBeNull();
    });

    const filters: Array<[string, CallFilter]> = [
      ["nothing", {}],
      ["time range", { from: T0 + 20_000, to: T0 + 50_000 }],
      ["team", { team_id: "team-b" }],
      ["service", { service_id: "svc-2" }],
      ["route", { route_id: "route-4" }],
      ["application", { application_id: "app-1" }],
      ["status class 5xx", { status_class: 5 }],
      ["status class 2xx", { status_class: 2 }],
      ["exact status", { status: 429 }],
      ["error code", { error_code: "no_healthy_upstream" }],
      ["provider", { provider: "anthropic" }],
      ["model", { model: "gpt-x" }],
      ["min latency", { min_latency_ms: 400 }],
      ["min latency among slow calls", { min_latency_ms: 2500 }],
      ["min latency at the slow-call threshold", { min_latency_ms: 1000 }],
      ["min latency among slow calls, with a team", { min_latency_ms: 3000, team_id: "team-a" }],
      ["request id", { request_id: "req-0042" }],
      ["free text over path", { text: "ORDERS/1" }],
      ["free text over error code", { text: "healthy" }],
      ["free text with LIKE wildcards taken literally", { text: "100%_" }],
      ["combined", { team_id: "team-a", status_class: 4, from: T0 + 10_000 }],
    ];
    for (const [name, filter] of filters) {
      test(`filter: ${name}`, async () => {
        const want = expected(calls, filter);
        if (name !== "nothing") expect(want.length).toBeLessThan(calls.length);
        expect(want.length).toBeGreaterThan(0);
        expect((await listAll(store, filter)).map((r) => r.request_id)).toEqual(want);
      });
    }

    test("pages are stable and complete while newer calls keep arriving", async () => {
      const seen: string[] = [];
      let query: CallQuery = { limit: 7, service_id: "svc-1" };
      let round = 0;
      for (;;) {
        const page = await store.list(query, ALL_TEAMS);
        expect(page.items.length).toBeLessThanOrEqual(7);
        seen.push(...page.items.map((r) => r.request_id));
        // Newer calls for the same service land between page fetches; they must not shift the pages.
        const newer = emptyRecord(`late-${round++}`, T0 + 10 * DAY_MS, "GET", "h", "/late", "1.1.1.1");
        newer.service_id = "svc-1";
        await store.write([newer]);
        if (!page.next) break;
        query = { limit: 7, service_id: "svc-1", after: page.next };
      }
      expect(seen).toEqual(expected(calls, { service_id: "svc-1" }));
      expect(new Set(seen).size).toBe(seen.length);
    });

    test("a team scope sees only its teams' calls, in lists and by id", async () => {
      const scopeA = teamsScope(["team-a"]);
      const listed = await listAll(store, {}, scopeA);
      expect(listed.map((r) => r.request_id)).toEqual(expected(calls, {}, scopeA));
      expect(listed.every((r) => r.team_id === "team-a")).toBe(true);
      const ofB = calls.find((r) => r.team_id === "team-b")!;
      const ofNone = calls.find((r) => r.team_id === null)!;
      expect(await store.get(ofB.request_id, scopeA)).toBeNull();
      expect(await store.get(ofNone.request_id, scopeA)).toBeNull();
      expect(await store.get(ofB.request_id, teamsScope(["team-b"]))).not.toBeNull();
      // Asking for another team by filter yields nothing rather than widening the scope.
      expect((await store.list({ limit: 100, team_id: "team-b" }, scopeA)).items).toEqual([]);
      expect((await store.list({ limit: 100, request_id: ofB.request_id }, scopeA)).items).toEqual([]);
      expect((await store.list({ limit: 100 }, teamsScope([]))).items).toEqual([]);
      const both = await listAll(store, {}, teamsScope(["team-a", "team-b"]));
      expect(both.length).toBe(expected(calls, {}, teamsScope(["team-a", "team-b"])).length);
    });
  });

  describe(`call log retention (${backend})`, () => {
    let db: FreshCallLog;
    beforeAll(async () => {
      db = await fresh();
    });
    afterAll(async () => {
      await db.dispose();
    });

    test("each team keeps its own days, everyone else the default, and writes go on meanwhile", async () => {
      const now = Date.now();
      const ages = [0.5, 2, 4, 6, 8, 12];
      const rows: CallRecord[] = [];
      for (const team of ["short", "long", null, "other"]) {
        for (const age of ages) {
          for (let k = 0; k < 700; k++) {
            const r = emptyRecord(`${team ?? "none"}-${age}-${k}`, Math.floor(now - age * DAY_MS) - k, "GET", "h", "/", "ip");
            r.team_id = team;
            rows.push(r);
          }
        }
      }
      for (let i = 0; i < rows.length; i += 2000) await db.store.write(rows.slice(i, i + 2000));
      const policy = { default_days: 5, teams: new Map([["short", 1], ["long", 10]]) };

      // Writers keep going while retention runs; every one of their calls must land.
      const fresh: CallRecord[] = [];
      let steps = 0;
      let writes = 0;
      const writer = (async () => {
        for (let i = 0; i < 40; i++) {
          const r = emptyRecord(`live-${i}`, Date.now(), "GET", "h", "/live", "ip");
          r.team_id = "short";
          fresh.push(r);
          await db.store.write([r]);
          writes++;
        }
      })();
      for (;;) {
        const step = await db.store.prune(policy, now);
        steps++;
        if (!step.more) break;
      }
      await writer;
      expect(writes).toBe(40);
      // Deletes run in slices, not one statement over everything.
      expect(steps).toBeGreaterThan(1);

      const left = await listAll(db.store, {});
      const count = (team: string | null, age: number) => left.filter((r) => r.team_id === team && r.request_id.startsWith(`${team ?? "none"}-${age}-`)).length;
      for (const age of ages) {
        expect(count("short", age)).toBe(age < 1 ? 700 : 0);
        expect(count("long", age)).toBe(age < 10 ? 700 : 0);
        expect(count(null, age)).toBe(age < 5 ? 700 : 0);
        expect(count("other", age)).toBe(age < 5 ? 700 : 0);
      }
      for (const r of fresh) expect(left.some((l) => l.request_id === r.request_id)).toBe(true);
    });
  });
}
