/**
 * The file's policies: each names its scope's target by name and carries a
 * config the kind's own schema must accept. Valid configs are replaced by
 * the kind's parsed output (defaults filled in), which is what the store
 * keeps, so a file and the admin API store the same document.
 */
import { checkPolicy } from "../../policies/entity.ts";
import { type PolicyKindLookup, policyKind } from "../../policies/registry.ts";
import type { FilePath } from "./paths.ts";
import type { ReferenceIssue } from "./references.ts";
import type { WaygateConfig } from "./schema.ts";

const FILE_FIELDS = { team_id: "team", service_id: "service", route_id: "route", application_id: "application" } as const;

function toPath(prefix: FilePath, dotted: string): FilePath {
  return [...prefix, ...dotted.split(".").filter((p) => p !== "").map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
}

/** Checks every policy and, when all pass, swaps in the parsed configs. */
export function checkFilePolicies(cfg: WaygateConfig, lookup: PolicyKindLookup = policyKind): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const parsed: Record<string, unknown>[] = [];
  cfg.policies.forEach((p, i) => {
    const checked = checkPolicy(
      {
        kind: p.kind,
        scope: p.scope,
        config: p.config,
        team_id: p.team,
        service_id: p.service,
        route_id: p.route,
        application_id: p.application,
      },
      lookup,
      FILE_FIELDS,
    );
    if (checked.ok) parsed.push(checked.config);
    else for (const issue of checked.issues) issues.push({ path: toPath(["policies", i], issue.path), message: issue.message });
  });
  if (issues.length === 0) cfg.policies.forEach((p, i) => (p.config = parsed[i] ?? p.config));
  return issues;
}
