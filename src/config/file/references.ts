/**
 * Checks zod cannot make on one entity alone: names are unique, every
 * reference by name points at something in the file, fallback chains end.
 */
import { hashApiKey } from "../../core/keys.ts";
import type { FilePath } from "./paths.ts";
import { formatPath } from "./paths.ts";
import type { WaygateConfig } from "./schema.ts";

export interface ReferenceIssue {
  path: FilePath;
  message: string;
}

class NameIndex {
  private readonly seen = new Map<string, FilePath>();
  constructor(
    private readonly what: string,
    private readonly issues: ReferenceIssue[],
    private readonly where = "",
  ) {}

  add(name: string, path: FilePath, shown = `'${name}'`): void {
    const first = this.seen.get(name);
    if (first) this.issues.push({ path, message: `duplicate ${this.what} ${shown}${this.where} (first at ${formatPath(first)})` });
    else this.seen.set(name, path);
  }

  has(name: string): boolean {
    return this.seen.has(name);
  }

  /** Reports a reference to a name that is not defined. */
  check(name: string | undefined, path: FilePath): void {
    if (name !== undefined && !this.seen.has(name)) this.issues.push({ path, message: `unknown ${this.what} '${name}'` });
  }
}

export function checkReferences(cfg: WaygateConfig): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const teams = new NameIndex("team", issues);
  const upstreams = new NameIndex("upstream", issues);
  const services = new NameIndex("service", issues);
  const routes = new NameIndex("route", issues);
  const applications = new NameIndex("application", issues);
  const keys = new NameIndex("credential key", issues);

  cfg.teams.forEach((t, i) => teams.add(t.name, ["teams", i, "name"]));
  cfg.upstreams.forEach((u, i) => {
    upstreams.add(u.name, ["upstreams", i, "name"]);
    teams.check(u.team, ["upstreams", i, "team"]);
  });
  cfg.services.forEach((s, i) => services.add(s.name, ["services", i, "name"]));
  cfg.services.forEach((s, i) => {
    teams.check(s.team, ["services", i, "team"]);
    upstreams.check(s.upstream, ["services", i, "upstream"]);
    services.check(s.fallback_service, ["services", i, "fallback_service"]);
    s.routes.forEach((r, j) => {
      routes.add(r.name, ["services", i, "routes", j, "name"]);
      services.check(r.fallback_service, ["services", i, "routes", j, "fallback_service"]);
    });
  });
  issues.push(...fallbackCycles(cfg, services));
  cfg.applications.forEach((a, i) => {
    applications.add(a.name, ["applications", i, "name"]);
    teams.check(a.team, ["applications", i, "team"]);
    const credentialNames = new NameIndex("credential", issues, ` in application '${a.name}'`);
    a.credentials.forEach((c, j) => {
      credentialNames.add(c.name, ["applications", i, "credentials", j, "name"]);
      const hash = c.key_hash ?? (c.key !== undefined ? hashApiKey(c.key) : undefined);
      const field = c.key_hash !== undefined ? "key_hash" : "key";
      if (hash !== undefined) keys.add(hash, ["applications", i, "credentials", j, field], "(another credential has the same key)");
    });
    const subscribed = new NameIndex("subscription to", issues, ` in application '${a.name}'`);
    a.subscriptions.forEach((s, j) => {
      subscribed.add(s.service, ["applications", i, "subscriptions", j]);
      services.check(s.service, ["applications", i, "subscriptions", j]);
    });
  });
  return issues;
}

/** A service that falls back to itself, directly or through others, would loop when all of them are down. */
function fallbackCycles(cfg: WaygateConfig, services: NameIndex): ReferenceIssue[] {
  const fallbackOf = new Map(cfg.services.map((s) => [s.name, s.fallback_service]));
  const issues: ReferenceIssue[] = [];
  cfg.services.forEach((s, i) => {
    const chain = [s.name];
    let next = s.fallback_service;
    while (next !== undefined && services.has(next)) {
      chain.push(next);
      if (next === s.name) {
        issues.push({ path: ["services", i, "fallback_service"], message: `fallback cycle: ${chain.join(" → ")}` });
        return;
      }
      if (chain.indexOf(next) !== chain.length - 1) return;
      next = fallbackOf.get(next);
    }
  });
  return issues;
}
