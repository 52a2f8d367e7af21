/**
 * A policy kind: the schema of its configuration and how to build the
 * run-time Policy from a validated configuration. Every kind lives in its
 * own folder (src/policies/<kind>/) and is listed once in ./registry.ts; the
 * `policies` entity, the admin API, the YAML format and the snapshot
 * compiler all work from that list.
 */
import type { z } from "zod";
import type { Clock } from "../core/clock.ts";
import type { CounterStore } from "../counters/counter-store.ts";
import type { BudgetAlertSink } from "./budget/alert.ts";
import type { Policy } from "./policy.ts";

/** Where a policy is attached. The most specific scope wins for singular kinds; limits at several scopes all apply. */
export const POLICY_SCOPES = ["global", "team", "service", "route", "application"] as const;
export type PolicyScope = (typeof POLICY_SCOPES)[number];

export interface PolicyBuildContext {
  /** The policy entity's id and name, for error messages, metrics and counter keys. */
  id: string;
  name: string;
  scope: PolicyScope;
  /** Shared services a policy may need (e.g. the counter store for rate limits). */
  services: PolicyServices;
}

/** Filled in by the gateway at start; kinds take what they need. */
export interface PolicyServices {
  /** Counter backend for rate limits and quotas (in-process or Redis). */
  counters?: CounterStore;
  /** Wall clock (ms since the epoch) for the calendar windows of quotas and budgets; system time when absent. */
  clock?: Clock;
  /** Where budget policies record their alerts; alerts are only logged when absent. */
  budgetAlerts?: BudgetAlertSink;
}

export interface PolicyKind<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly description: string;
  readonly schema: S;
  /**
   * `stack`: every attached instance applies (limits, IP rules at several scopes);
   * `override`: only the most specific scope's instance applies (CORS, header transforms).
   */
  readonly combine: "stack" | "override";
  build(config: z.output<S>, ctx: PolicyBuildContext): Policy;
}
