/**
 * Checks zod cannot make on one entity alone: names are unique and every
 * reference by name points at something in the file. Fallback cycles are
 * allowed: the gateway cuts them at run time, and the admin API accepts them.
 */
import { jwtMatcherHash } from "../jwt-credential.ts";
import { hashApiKey } from "../../core/keys.ts";
import type { RouteNode } from "../ai-entities.ts";
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
    services.check(s.successor_service, ["services", i, "successor_service"]);
    s.routes.forEach((r, j) => {
      routes.add(r.name, ["services", i, "routes", j, "name"]);
      services.check(r.fallback_service, ["services", i, "routes", j, "fallback_service"]);
    });
  });
  cfg.applications.forEach((a, i) => {
    applications.add(a.name, ["applications", i, "name"]);
    teams.check(a.team, ["applications", i, "team"]);
    const credentialNames = new NameIndex("credential", issues, ` in application '${a.name}'`);
    a.credentials.forEach((c, j) => {
      credentialNames.add(c.name, ["applications", i, "credentials", j, "name"]);
      if (c.jwt !== undefined) {
        keys.add(jwtMatcherHash(c.jwt), ["applications", i, "credentials", j, "jwt"], "(another jwt credential has the same issuer, subject and claims)");
        return;
      }
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
  const providers = new NameIndex("provider", issues);
  const models = new NameIndex("virtual model", issues);
  const overrides = new NameIndex("model override", issues);
  cfg.providers.forEach((p, i) => {
    providers.add(p.name, ["providers", i, "name"]);
    teams.check(p.team, ["providers", i, "team"]);
    const keyNames = new NameIndex("key", issues, ` in provider '${p.name}'`);
    p.keys.forEach((k, j) => keyNames.add(k.name, ["providers", i, "keys", j, "name"]));
  });
  cfg.virtual_models.forEach((m, i) => {
    models.add(m.name, ["virtual_models", i, "name"]);
    teams.check(m.team, ["virtual_models", i, "team"]);
    for (const target of routeTargets(m.route, ["virtual_models", i, "route"])) providers.check(target.provider, [...target.path, "provider"]);
  });
  cfg.model_overrides.forEach((o, i) => overrides.add(o.name, ["model_overrides", i, "name"]));
  const policies = new NameIndex("policy", issues);
  cfg.policies.forEach((p, i) => {
    policies.add(p.name, ["policies", i, "name"]);
    teams.check(p.team, ["policies", i, "team"]);
    services.check(p.service, ["policies", i, "service"]);
    routes.check(p.route, ["policies", i, "route"]);
    applications.check(p.application, ["policies", i, "application"]);
  });
  const promptApis = new NameIndex("prompt API", issues);
  const promptPaths = new NameIndex("prompt API path", issues);
  cfg.prompt_apis.forEach((p, i) => {
    promptApis.add(p.name, ["prompt_apis", i, "name"]);
    services.check(p.service, ["prompt_apis", i, "service"]);
    promptPaths.add(`${p.service} ${p.path}`, ["prompt_apis", i, "path"], `'${p.path}' in service '${p.service}'`);
  });
  return issues;
}

/** Every target node of a route tree, with its path in the file. */
function routeTargets(node: RouteNode, path: FilePath): { provider: string; path: FilePath }[] {
  switch (node.type) {
    case "target":
      return [{ provider: node.provider, path }];
    case "conditional": {
      const out = node.rules.flatMap((r, i) => routeTargets(r.then, [...path, "rules", i, "then"]));
      return node.default ? [...out, ...routeTargets(node.default, [...path, "default"])] : out;
    }
    default:
      return node.targets.flatMap((t, i) => routeTargets(t, [...path, "targets", i]));
  }
}
