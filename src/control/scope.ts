/**
 * Which teams' data an admin caller may see and change. Lists, counts,
 * search, call logs and analytics are all filtered through one of these, so
 * nothing of another team can leak through any of them. Data without a team
 * (global configuration) is visible only to an unrestricted scope.
 */
export type TeamScope = { readonly kind: "all" } | { readonly kind: "teams"; readonly teams: ReadonlySet<string> };

export const ALL_TEAMS: TeamScope = { kind: "all" };

export function teamsScope(teams: Iterable<string>): TeamScope {
  return { kind: "teams", teams: new Set(teams) };
}

/** Whether data owned by `teamId` (null/undefined: no team) is inside the scope. */
export function inScope(scope: TeamScope, teamId: string | null | undefined): boolean {
  if (scope.kind === "all") return true;
  return teamId !== null && teamId !== undefined && scope.teams.has(teamId);
}
