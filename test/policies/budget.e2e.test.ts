/**
 * budget through a real gateway in front of the provider simulator, on
 * in-process and on Redis counters: money from the catalog's prices (here
 * set by a model override so the sums are known), the soft alert recorded
 * once in the store and counted in /metrics, the hard stop with 402 in the
 * OpenAI and Anthropic formats, per-application against per-team budgets,
 * the reset at midnight UTC, and unpriced models flagged.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { listBudgetAlerts } from "../../src/policies/budget/alert-table.ts";
import { waitFor } from "../support/gateway.ts";
import { type OpenAIUsage, type QuotaFixture, chatUsage, counterBackends, startQuotaFixture, streamUsage } from "./quota-fixture.ts";

const START = Date.UTC(2026, 10, 22, 10, 0, 0);
// The override below: $0.001 per input token, $0.002 per output token (a few cents a call).
const costOf = (u: OpenAIUsage) => u.prompt_tokens * 0.001 + u.completion_tokens * 0.002;

for (const backend of await counterBackends()) {
  describe(`budget end to end (${backend.name} counters)`, () => {
    let q: QuotaFixture;

    const alertsOf = (policy: string) => listBudgetAlerts(q.f.g.store.db, { teams: "all", policy, limit: 50 }).then((p) => p.items);

    beforeAll(async () => {
      q = await startQuotaFixture(backend, START);
      await q.f.g.create("model_overrides", { name: "openai/gpt-4o-mini", input_per_mtok: 1_000, output_per_mtok: 2_000 });
      await q.f.g.create("model_overrides", { name: "anthropic/claude-sonnet-4-5", input_per_mtok: 1_000, output_per_mtok: 2_000 });
      await q.f.g.synced();
    });
    afterAll(async () => {
      await q.stop();
    });

    test("a team budget alerts once at the soft threshold and stops the team with 402 at the limit", async () => {
      const { a1, a2, b1 } = q.tenants;
      const policy = await q.policy("budget", { limit_usd: 0.5, period: "month", key: "team", alert_at: 0.5 });
      try {
        let spent = 0;
        let refused: Response | undefined;
        for (let i = 0; i < 40 && !refused; i++) {
          const key = i % 2 === 0 ? a1.key : a2.key;
          const res = await q.chat(key, { stream: i % 3 === 0 });
          if (res.status === 402) refused = res;
          else {
            expect(res.headers.get("x-waygate-budget-remaining-usd")).toBe(String(Number(Math.max(0, 0.5 - spent).toFixed(6))));
            spent += costOf(i % 3 === 0 ? await streamUsage(res) : await chatUsage(res));
          }
        }
        if (!refused) throw new Error("the budget never refused a call");
        expect(spent).toBeGreaterThanOrEqual(0.5);
        const body = (await refused.json()) as { error: { code: string; type: string; message: string } };
        expect(body.error.code).toBe("budget_exceeded");
        expect(body.error.message).toContain("the monthly budget of $0.50 for this team is spent");
        expect(body.error.message).toContain("calls resume at 2026-12-01T00:00:00Z");
        expect(refused.headers.get("retry-after")).toBe(String((Date.UTC(2026, 11, 1) - START) / 1000));

        const anthropic = await q.messages(a2.key);
        expect(anthropic.status).toBe(402);
        expect(anthropic.headers.get("x-waygate-error-code")).toBe("budget_exceeded");
        expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "billing_error" } });

        // The other team spends from its own budget.
        expect((await q.chat(b1.key)).status).toBe(200);

        const alerts = await waitFor(async () => {
          const found = await alertsOf(policy.id);
          return found.length >= 2 && found;
        });
        expect(alerts.map((a) => a.level).sort()).toEqual(["hard", "soft"]);
        for (const a of alerts) expect(a).toMatchObject({ subject: `team:${a1.teamId}`, team_id: a1.teamId, period: "2026-11", limit_usd: 0.5 });
        const soft = alerts.find((a) => a.level === "soft");
        expect(soft?.threshold_usd).toBe(0.25);
        expect(soft?.spent_usd).toBeGreaterThanOrEqual(0.25);
        expect(soft?.spent_usd).toBeLessThan(0.5);
        expect(alerts.find((a) => a.level === "hard")?.spent_usd).toBeCloseTo(spent, 6);
        expect(q.f.g.gw.metrics.render()).toContain('waygate_budget_alerts_total{level="soft"} 1');

        const records = await q.f.g.records();
        expect(records.filter((r) => r.error_code === "budget_exceeded").length).toBe(2);
      } finally {
        await policy.remove();
      }
    });

    test("a per-application daily budget keeps applications apart and resets at midnight UTC", async () => {
      const { a1, a2 } = q.tenants;
      const policy = await q.policy("budget", { limit_usd: 0.2, period: "day", key: "application" });
      try {
        let spent = 0;
        for (let i = 0; i < 20 && spent < 0.2; i++) spent += costOf(await chatUsage(await q.chat(a1.key)));
        const refused = await q.chat(a1.key);
        expect(refused.status).toBe(402);
        expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("daily budget of $0.20 for this application");
        expect((await q.chat(a2.key)).status).toBe(200);

        q.clock.set(Date.UTC(2026, 10, 23, 0, 0, 0));
        const nextDay = await q.chat(a1.key);
        expect(nextDay.status).toBe(200);
        expect(nextDay.headers.get("x-waygate-budget-remaining-usd")).toBe("0.2");
        await nextDay.body?.cancel();
        const alerts = await waitFor(async () => {
          const found = await alertsOf(policy.id);
          return found.length >= 1 && found;
        });
        expect(alerts.map((a) => [a.level, a.subject, a.period])).toEqual([["hard", `app:${a1.appId}`, "2026-11-22"]]);
      } finally {
        await policy.remove();
      }
    });

    test("calls on a model without a price cost $0 and are flagged once", async () => {
      const { b1 } = q.tenants;
      const policy = await q.policy("budget", { limit_usd: 1, period: "day", key: "application" });
      try {
        const first = await q.chat(b1.key, { model: "mi/private-model" });
        expect(first.status).toBe(200);
        await first.body?.cancel();
        const record = (await q.f.g.records()).at(-1);
        expect(record?.ai?.cost_usd).toBeNull();
        await (await q.chat(b1.key, { model: "mi/private-model" })).body?.cancel();
        const third = await q.chat(b1.key);
        expect(third.headers.get("x-waygate-budget-remaining-usd")).toBe("1");
        await third.body?.cancel();
        const alerts = await waitFor(async () => {
          const found = await alertsOf(policy.id);
          return found.length >= 1 && found;
        });
        expect(alerts).toHaveLength(1);
        expect(alerts[0]).toMatchObject({ level: "unpriced", model: "mi/private-model", subject: `app:${b1.appId}`, team_id: b1.teamId });
      } finally {
        await policy.remove();
      }
    });
  });
}
