/**
 * Checks on a policy document that its generic entity schema cannot make:
 * the kind is registered, the config passes the kind's own schema, and the
 * scope names exactly its own target. Shared by the admin API and the YAML
 * loader so both report the same paths (`config.limit`, `route_id`).
 */
import type { z } from "zod";
import type { FieldIssue } from "../core/errors.ts";
import type { PolicyScope } from "./kind.ts";
import { type PolicyKindLookup, policyKind } from "./registry.ts";

/** The target field each scope needs; global needs none. */
export const SCOPE_FIELD: Record<PolicyScope, string | undefined> = {
  global: undefined,
  team: "team_id",
  service: "service_id",
  route: "route_id",
  application: "application_id",
};

export const TARGET_FIELDS = ["team_id", "service_id", "route_id", "application_id"] as const;

export interface PolicyShape {
  kind: string;
  scope: PolicyScope;
  config: Record<string, unknown>;
  team_id?: string | undefined;
  service_id?: string | undefined;
  route_id?: string | undefined;
  application_id?: string | undefined;
}

export type PolicyCheck = { ok: true; config: Record<string, unknown> } | { ok: false; issues: FieldIssue[] };

function issuesOf(error: z.ZodError, prefix: string): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = [prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    if (issue.code === "unrecognized_keys") for (const key of issue.keys) out.push({ path: [...base, key].join("."), message: "unknown field" });
    else out.push({ path: base.join("."), message: issue.message });
  }
  return out;
}

/**
 * Validates `doc` and returns the kind's parsed config (defaults filled in),
 * which is what gets stored. `targetNames` maps a target field to the name
 * used in messages (the YAML file says `route`, the admin API `route_id`).
 */
export function checkPolicy(
  doc: PolicyShape,
  lookup: PolicyKindLookup = policyKind,
  targetNames: Partial<Record<(typeof TARGET_FIELDS)[number], string>> = {},
): PolicyCheck {
  const issues: FieldIssue[] = [];
  const want = SCOPE_FIELD[doc.scope];
  for (const field of TARGET_FIELDS) {
    const shown = targetNames[field] ?? field;
    const value = doc[field];
    if (field === want && value === undefined) issues.push({ path: shown, message: `required for scope '${doc.scope}'` });
    if (field !== want && value !== undefined) issues.push({ path: shown, message: `not allowed for scope '${doc.scope}'` });
  }
  const kind = lookup(doc.kind);
  if (!kind) {
    issues.push({ path: "kind", message: `unknown policy kind '${doc.kind}'` });
    return { ok: false, issues };
  }
  const parsed = kind.schema.safeParse(doc.config);
  if (!parsed.success) issues.push(...issuesOf(parsed.error, "config"));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, config: parsed.data as Record<string, unknown> };
}
