/**
 * budget: money (USD, from the model catalog's prices) per calendar day or
 * month (UTC), per application or per team. Before a call, a subject whose
 * budget is spent is refused (402 budget_exceeded); after it, the
 * `ai.consumed` hook adds its cost. As with token limits, the call that
 * crosses the limit completes — its cost is known only afterwards — and the
 * calls after it are refused. Crossing the soft threshold or the limit
 * records an alert through the alert sink, exactly once per subject and
 * period: the counter's add is atomic, so only one add sees the total step
 * over a threshold, on one node or many.
 */
import type { CounterStore } from "../../counters/counter-store.ts";
import { WaygateError } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { PolicyBuildContext, PolicyKind } from "../kind.ts";
import type { AiConsumption, Policy, PolicyVerdict } from "../policy.ts";
import { type CalendarWindow, calendarWindow, counterTtlMs, isoSeconds, secondsLeft, wallClock } from "../quota/calendar.ts";
import { mayConsume } from "../quota/consuming.ts";
import { refusalResponse } from "../../gateway/refusal.ts";
import { type QuotaSubject, quotaSubject } from "../quota/subject.ts";
import type { AlertLevel, BudgetAlert, BudgetAlertSink } from "./alert.ts";
import { BudgetConfig, softThresholdUsd } from "./config.ts";
import { type BudgetView, setBudgetHeaders } from "./headers.ts";
import { formatUsd, fromMicros, toMicros } from "./money.ts";

/** The budget's holder in messages, as counted (a team budget counts an application without a team by itself). */
function whose(subject: QuotaSubject): string {
  if (subject.id.startsWith("team:")) return "this team";
  if (subject.id.startsWith("app:")) return "this application";
  return "this client";
}

/** Without a sink (an embedded gateway without a store), alerts still reach the log. */
const logSink: BudgetAlertSink = {
  record(a) {
    console.warn(`[waygate] budget alert (${a.level}) policy ${a.policy_name} subject ${a.subject} period ${a.period}: spent ${formatUsd(a.spent_usd)} of ${formatUsd(a.limit_usd)}`);
  },
};

export function buildBudget(config: BudgetConfig, build: PolicyBuildContext): Policy {
  const store: CounterStore | undefined = build.services.counters;
  if (!store) throw new WaygateError("internal_error", `budget policy "${build.name}" needs a counter store, and the gateway provided none`);
  const counters: CounterStore = store;
  const clock = build.services.clock ?? wallClock;
  const sink = build.services.budgetAlerts ?? logSink;
  const name = `budget:${build.name}`;
  const limitMicros = toMicros(config.limit_usd);
  const softUsd = softThresholdUsd(config);
  const softMicros = softUsd === undefined ? undefined : toMicros(softUsd);
  const per = config.period === "day" ? "daily" : "monthly";
  const views = new WeakMap<RequestContext, BudgetView>();

  const spentKey = (subject: QuotaSubject, window: CalendarWindow) => `bg:${build.id}:${window.id}:${subject.id}`;
  const unpricedKey = (subject: QuotaSubject, window: CalendarWindow) => `bgu:${build.id}:${window.id}:${subject.id}`;

  function alert(subject: QuotaSubject, window: CalendarWindow, level: AlertLevel, spentMicros: number, thresholdUsd: number, model: string | null): void {
    const a: BudgetAlert = {
      policy_id: build.id,
      policy_name: build.name,
      subject: subject.id,
      team_id: subject.teamId,
      application_id: subject.applicationId,
      period: window.id,
      level,
      spent_usd: fromMicros(spentMicros),
      limit_usd: config.limit_usd,
      threshold_usd: thresholdUsd,
      model,
      created_at: new Date(clock.now()).toISOString(),
    };
    try {
      sink.record(a);
    } catch (err) {
      console.error(`[waygate] policy ${name}: could not record a budget alert:`, err);
    }
  }

  async function onRequest(ctx: RequestContext): Promise<PolicyVerdict> {
    if (!mayConsume(ctx)) return undefined;
    const now = clock.now();
    const window = calendarWindow(now, config.period);
    const subject = quotaSubject(ctx, config.key);
    let spent: number;
    try {
      spent = await counters.get(spentKey(subject, window));
    } catch {
      if (config.fault_tolerant) return undefined;
      return new WaygateError("internal_error", "the budget counter store is unavailable", { status: 503 });
    }
    const view = { limitUsd: config.limit_usd, spentUsd: fromMicros(spent), resetSeconds: secondsLeft(window, now) };
    views.set(ctx, view);
    if (!config.enforce || spent < limitMicros) return undefined;
    const message = `the ${per} budget of ${formatUsd(config.limit_usd)} for ${whose(subject)} is spent (${formatUsd(view.spentUsd)} used); calls resume at ${isoSeconds(window.endMs)}`;
    const headers = new Headers();
    setBudgetHeaders(headers, view);
    return refusalResponse(ctx, new WaygateError("budget_exceeded", message, { retryAfter: view.resetSeconds }), headers);
  }

  function countUnpriced(subject: QuotaSubject, window: CalendarWindow, now: number, c: AiConsumption, spentMicros: number): void {
    if (config.unpriced === "ignore") return;
    counters
      .add(unpricedKey(subject, window), 1, counterTtlMs(window, now))
      .then((n) => {
        if (n === 1) alert(subject, window, "unpriced", spentMicros, 0, `${c.provider}/${c.model}`);
      })
      .catch((err: unknown) => console.error(`[waygate] policy ${name}: could not count an unpriced call:`, err instanceof Error ? err.message : err));
  }

  function consumed(ctx: RequestContext, c: AiConsumption): void {
    const now = clock.now();
    const window = calendarWindow(now, config.period);
    const subject = quotaSubject(ctx, config.key);
    if (c.costUsd === null) {
      countUnpriced(subject, window, now, c, toMicros(views.get(ctx)?.spentUsd ?? 0));
      return;
    }
    const micros = toMicros(c.costUsd);
    if (micros <= 0) return;
    counters
      .add(spentKey(subject, window), micros, counterTtlMs(window, now))
      .then((total) => {
        const before = total - micros;
        if (softMicros !== undefined && before < softMicros && total >= softMicros) alert(subject, window, "soft", total, softUsd ?? 0, null);
        if (before < limitMicros && total >= limitMicros) alert(subject, window, "hard", total, config.limit_usd, null);
      })
      .catch((err: unknown) => console.error(`[waygate] policy ${name}: could not count ${formatUsd(c.costUsd ?? 0)}:`, err instanceof Error ? err.message : err));
  }

  return {
    name,
    onRequest,
    onResponse(ctx, headers) {
      const view = views.get(ctx);
      if (view) setBudgetHeaders(headers, view);
    },
    ai: { consumed },
  };
}

export const kind: PolicyKind<typeof BudgetConfig> = {
  kind: "budget",
  description:
    "Limits AI spending (USD from the model catalog's prices) per calendar day or month (UTC) per application or team; records an alert at a soft threshold and refuses calls with 402 budget_exceeded once spent.",
  schema: BudgetConfig,
  combine: "stack",
  build: buildBudget,
};
