/**
 * Budget alerts in the store (SQLite and PostgreSQL): written once per
 * policy, subject, period and level, listed newest first by the admin API
 * with filters, cursor pagination and team scopes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { budgetAlertsRoute } from "../../src/control/budget-alerts.ts";
import { buildOpenApi } from "../../src/control/openapi.ts";
import { ALL_TEAMS, type TeamScope, teamsScope } from "../../src/control/scope.ts";
import type { BudgetAlert } from "../../src/policies/budget/alert.ts";
import { StoreBudgetAlerts } from "../../src/policies/budget/store-sink.ts";
import type { Driver } from "../../src/store/sql/driver.ts";
import { startAdmin } from "../control/fixture.ts";
import { type TestDatabase, availableBackends } from "../store/backends.ts";

function alert(over: Partial<BudgetAlert> = {}): BudgetAlert {
  return {
    policy_id: "pol-1",
    policy_name: "team-spend",
    subject: "team:t1",
    team_id: "t1",
    application_id: "a1",
    period: "2026-11",
    level: "soft",
    spent_usd: 40.5,
    limit_usd: 50,
    threshold_usd: 40,
    model: null,
    created_at: "2026-11-20T10:00:00.000Z",
    ...over,
  };
}

async function list(db: TestDatabase, query: string, scope: TeamScope = ALL_TEAMS) {
  const url = new URL(`http://admin.test/admin/budget-alerts${query}`);
  const result = await budgetAlertsRoute({ req: new Request(url.href), url, rest: [], scope, store: db.store, services: {} });
  if (result instanceof Response) throw new Error(`unexpected response ${result.status}`);
  return result.body as { data: Array<BudgetAlert & { id: string }>; next: string | null };
}

for (const backend of await availableBackends()) {
  describe(`budget alerts (${backend.name})`, () => {
    let db: TestDatabase;
    let sink: StoreBudgetAlerts;

    beforeAll(async () => {
      db = await backend.fresh();
      sink = new StoreBudgetAlerts(db.store.db);
      // The same soft alert raised by three nodes at once, then other alerts one after another (so their order is known).
      for (let i = 0; i < 3; i++) sink.record(alert());
      await sink.flush();
      for (const other of [
        alert({ level: "hard", spent_usd: 51.25, threshold_usd: 50, created_at: "2026-11-25T08:00:00.000Z" }),
        alert({ subject: "app:a9", team_id: "t2", application_id: "a9", created_at: "2026-11-21T00:00:00.000Z" }),
        alert({ policy_id: "pol-2", policy_name: "app-spend", subject: "app:a5", team_id: null, application_id: "a5", level: "unpriced", model: "oa/llama-local", threshold_usd: 0, created_at: "2026-11-22T00:00:00.000Z" }),
      ]) {
        sink.record(other);
        await sink.flush();
      }
    });
    afterAll(async () => {
      await db.dispose();
    });

    test("each policy, subject, period and level is stored once", async () => {
      const { data } = await list(db, "");
      expect(data).toHaveLength(4);
      expect(data.filter((a) => a.subject === "team:t1" && a.level === "soft")).toHaveLength(1);
      const samples = sink.metric().samples();
      expect(samples).toEqual([
        { labels: { level: "soft" }, value: 2 },
        { labels: { level: "hard" }, value: 1 },
        { labels: { level: "unpriced" }, value: 1 },
      ]);
    });

    test("newest first, with every field as recorded", async () => {
      const { data } = await list(db, "");
      expect(data.map((a) => a.level)).toEqual(["unpriced", "soft", "hard", "soft"]);
      const { id, ...hard } = data[2]!;
      expect(id.length).toBeGreaterThan(0);
      expect(hard).toEqual(alert({ level: "hard", spent_usd: 51.25, threshold_usd: 50, created_at: "2026-11-25T08:00:00.000Z" }));
      expect(data[0]).toMatchObject({ team_id: null, model: "oa/llama-local" });
    });

    test("filters by since, policy (id or name) and subject", async () => {
      expect((await list(db, "?since=2026-11-21T12:00:00Z")).data.map((a) => a.level)).toEqual(["unpriced", "hard"]);
      expect((await list(db, "?since=2026-11-21")).data).toHaveLength(3);
      expect((await list(db, "?policy=pol-2")).data.map((a) => a.subject)).toEqual(["app:a5"]);
      expect((await list(db, "?policy=team-spend")).data).toHaveLength(3);
      expect((await list(db, "?subject=team:t1&policy=pol-1")).data.map((a) => a.level)).toEqual(["hard", "soft"]);
      expect((await list(db, "?subject=nobody")).data).toEqual([]);
    });

    test("pages follow the cursor to the end", async () => {
      const first = await list(db, "?limit=3");
      expect(first.data).toHaveLength(3);
      expect(first.next).not.toBeNull();
      const second = await list(db, `?limit=3&cursor=${first.next}`);
      expect(second.data).toHaveLength(1);
      expect(second.next).toBeNull();
      const ids = [...first.data, ...second.data].map((a) => a.id);
      expect(new Set(ids).size).toBe(4);
    });

    test("a team-scoped caller sees only its teams' alerts", async () => {
      expect((await list(db, "", teamsScope(["t2"]))).data.map((a) => a.subject)).toEqual(["app:a9"]);
      expect((await list(db, "", teamsScope(["t1", "t2"]))).data).toHaveLength(3);
      expect((await list(db, "", teamsScope([]))).data).toEqual([]);
    });

    test("the admin API serves it and rejects bad queries", async () => {
      const admin = startAdmin(db.store);
      try {
        const ok = await admin.call("GET", "/admin/budget-alerts?policy=pol-1&limit=1");
        expect(ok.status).toBe(200);
        expect(ok.body.data).toHaveLength(1);
        expect(typeof ok.body.next).toBe("string");
        expect((await admin.call("GET", "/admin/budget-alerts?since=yesterday")).body.error).toMatchObject({ code: "validation_failed", details: [{ path: "since" }] });
        expect((await admin.call("GET", "/admin/budget-alerts?limit=0")).status).toBe(400);
        expect((await admin.call("GET", "/admin/budget-alerts?cursor=zzz")).body.error.code).toBe("validation_failed");
        expect((await admin.call("GET", "/admin/budget-alerts?team=t1")).body.error.code).toBe("bad_request");
        const post = await admin.call("POST", "/admin/budget-alerts", {});
        expect(post.status).toBe(405);
        expect(post.headers.get("allow")).toBe("GET");
        expect((await admin.call("GET", "/admin/budget-alerts/x")).status).toBe(404);
        expect((await admin.call("GET", "/admin/budget-alerts", undefined, { authorization: "Bearer wrong" })).status).toBe(401);
      } finally {
        await admin.stop();
      }
    });
  });
}

test("a failed write is logged, never thrown at the caller", async () => {
  const failing = { write: () => Promise.reject(new Error("database is locked")) } as unknown as Driver;
  const sink = new StoreBudgetAlerts(failing);
  const errors: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    expect(() => sink.record(alert())).not.toThrow();
    await sink.flush();
  } finally {
    console.error = original;
  }
  expect(errors).toHaveLength(1);
  expect(String(errors[0]?.[1])).toContain("database is locked");
  expect(sink.metric().samples().every((s) => s.value === 0)).toBe(true);
});

test("the admin OpenAPI document describes the endpoint, and its error responses exist", () => {
  const doc = buildOpenApi() as { paths: Record<string, { get?: { parameters: Array<{ name: string }>; responses: Record<string, { $ref?: string }> } }>; components: { responses: Record<string, unknown> } };
  const op = doc.paths["/admin/budget-alerts"]?.get;
  expect(op?.parameters.map((p) => p.name)).toEqual(["since", "policy", "subject", "limit", "cursor"]);
  for (const r of Object.values(op?.responses ?? {})) {
    if (r.$ref) expect(doc.components.responses[r.$ref.replace("#/components/responses/", "")]).toBeDefined();
  }
});
