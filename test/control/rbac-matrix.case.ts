/**
 * The authorization matrix: every actor (super_admin, admin, each team
 * role in team "red", a member of no team) against every admin endpoint —
 * every entity kind and method, subscription actions, key rotation, the
 * audit log, users, target health and the extensions — on their own team
 * and on team "blue". Expectations are written out here, independently of
 * src/identity/access.ts, as docs/access-control.md states them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { KINDS, type Kind } from "../../src/config/entities.ts";
import type { FreshStore } from "./admin.case.ts";
import type { ApiResponse } from "./fixture.ts";
import { type IdentityServer, startIdentityAdmin } from "./identity-fixture.ts";

type TeamRole = "team_admin" | "service_admin" | "developer" | "consumer_manager";
type Team = "red" | "blue";

interface Actor {
  name: string;
  system: "super_admin" | "admin" | "member";
  /** The actor's role in team red (members only). */
  role?: TeamRole;
}

const ACTORS: Actor[] = [
  { name: "super", system: "super_admin" },
  { name: "sysadmin", system: "admin" },
  { name: "red-team-admin", system: "member", role: "team_admin" },
  { name: "red-service-admin", system: "member", role: "service_admin" },
  { name: "red-developer", system: "member", role: "developer" },
  { name: "red-consumer-manager", system: "member", role: "consumer_manager" },
  { name: "teamless", system: "member" },
];

const SM: TeamRole[] = ["team_admin", "service_admin"];
const AM: TeamRole[] = ["team_admin", "developer"];
const DECIDERS: TeamRole[] = ["team_admin", "service_admin", "consumer_manager"];
const NONE: TeamRole[] = [];

/** Team roles allowed per kind and operation (system admins may always). */
const MATRIX: Record<Kind, { create: TeamRole[]; update: TeamRole[]; delete: TeamRole[] }> = {
  teams: { create: NONE, update: ["team_admin"], delete: NONE },
  upstreams: { create: SM, update: SM, delete: SM },
  services: { create: SM, update: SM, delete: SM },
  routes: { create: SM, update: SM, delete: SM },
  applications: { create: AM, update: AM, delete: AM },
  credentials: { create: AM, update: AM, delete: AM },
  subscriptions: { create: AM, update: NONE, delete: AM },
  providers: { create: SM, update: SM, delete: SM },
  virtual_models: { create: SM, update: SM, delete: SM },
  model_overrides: { create: NONE, update: NONE, delete: NONE },
  // Service-scoped policies in this matrix; the other scopes have a test of their own.
  policies: { create: SM, update: SM, delete: SM },
  prompt_apis: { create: SM, update: SM, delete: SM },
};

function isSystem(actor: Actor): boolean {
  return actor.system !== "member";
}

function may(actor: Actor, roles: TeamRole[]): boolean {
  return isSystem(actor) || (actor.role !== undefined && roles.includes(actor.role));
}

/** Whether the actor sees team red's objects of this kind at all. */
function seesRed(actor: Actor, kind: Kind): boolean {
  if (isSystem(actor)) return true;
  return actor.role !== undefined && kind !== "model_overrides";
}

function describeRes(res: ApiResponse): string {
  return `${res.status} ${JSON.stringify(res.body)}`;
}

export function rbacMatrixSuite(backend: string, fresh: () => Promise<FreshStore>): void {
  describe(`authorization matrix (${backend})`, () => {
    let db: FreshStore;
    let api: IdentityServer;
    const tokens = new Map<string, string>();
    const fixed: Record<Team, Record<string, string>> = { red: {}, blue: {} };
    /** Ids of everything only team blue may see. */
    const blueOnly = new Set<string>();
    let n = 0;

    const unique = (prefix: string) => `${prefix}-${++n}`;
    const as = (actor: Actor, method: string, path: string, body?: unknown) => api.call(method, path, body, tokens.get(actor.name) as string);
    const asAdmin = (method: string, path: string, body?: unknown) => api.call(method, path, body);

    async function made(path: string, body: unknown): Promise<string> {
      const res = await asAdmin("POST", path, body);
      if (res.status !== 201) throw new Error(`setup ${path}: ${describeRes(res)}`);
      return res.body.id as string;
    }

    /** A document creating a `kind` in `team` (subscriptions get a fresh application of that team). */
    async function docFor(kind: Kind, team: Team): Promise<Record<string, unknown>> {
      const name = unique(`${team}-${kind}`);
      const f = fixed[team];
      switch (kind) {
        case "teams":
          return { name };
        case "upstreams":
          return { name, team_id: f.team, targets: [{ url: "http://10.0.0.1:8080" }] };
        case "services":
        case "applications":
          return { name, team_id: f.team };
        case "routes":
          return { name, service_id: f.services, paths: [`/${name}`] };
        case "credentials":
          return { name, application_id: f.applications };
        case "subscriptions":
          return { application_id: await made("/admin/applications", { name: unique(`${team}-subapp`), team_id: f.team }), service_id: f.services };
        case "providers":
          return { name, kind: "openai", team_id: f.team };
        case "virtual_models":
          return { name, team_id: f.team, route: { type: "fallback", targets: [{ type: "target", provider: "p", model: "m" }] } };
        case "model_overrides":
          return { name, input_per_mtok: 1 };
        case "policies":
          return { name, kind: "request_size", scope: "service", service_id: f.services, config: { max_bytes: 1000 } };
        case "prompt_apis":
          return { name, service_id: f.services, path: `/${name}`, model: "m", messages: [{ role: "user", content: "{{text}}" }], input_schema: { type: "object" } };
      }
    }

    /** A fresh entity of `kind` owned by `team`, made by the admin token. */
    async function disposable(kind: Kind, team: Team): Promise<string> {
      return made(`/admin/${kind}`, await docFor(kind, team));
    }

    function patchFor(kind: Kind): Record<string, unknown> {
      if (kind === "teams") return { description: "changed" };
      if (kind === "subscriptions") return {};
      return { name: unique(`renamed-${kind}`) };
    }

    /** A patch moving the entity to team blue, for kinds that belong to a team. */
    function moveFor(kind: Kind): Record<string, unknown> | undefined {
      switch (kind) {
        case "upstreams":
        case "services":
        case "applications":
        case "providers":
        case "virtual_models":
          return { team_id: fixed.blue.team };
        case "routes":
          return { service_id: fixed.blue.services };
        case "credentials":
          return { application_id: fixed.blue.applications };
        case "policies":
        case "prompt_apis":
          return { service_id: fixed.blue.services };
        default:
          return undefined;
      }
    }

    beforeAll(async () => {
      db = await fresh();
      api = startIdentityAdmin(db.store);
      for (const team of ["red", "blue"] as const) {
        const f = fixed[team];
        f.team = await made("/admin/teams", { name: team });
        f.teams = f.team;
        f.upstreams = await made("/admin/upstreams", { name: `${team}-up`, team_id: f.team, targets: [{ url: "http://10.0.0.1:8080" }] });
        f.services = await made("/admin/services", { name: `${team}-svc`, team_id: f.team, upstream_id: f.upstreams, subscription_approval: "manual" });
        f.routes = await made("/admin/routes", { name: `${team}-route`, service_id: f.services, paths: [`/${team}`] });
        f.applications = await made("/admin/applications", { name: `${team}-app`, team_id: f.team });
        f.credentials = await made("/admin/credentials", { name: `${team}-cred`, application_id: f.applications });
        f.subscriptions = await made("/admin/subscriptions", { application_id: f.applications, service_id: f.services });
        f.providers = await made("/admin/providers", { name: `${team}-prov`, kind: "openai", team_id: f.team });
        f.virtual_models = await made("/admin/virtual_models", {
          name: `${team}-vm`,
          team_id: f.team,
          route: { type: "fallback", targets: [{ type: "target", provider: `${team}-prov`, model: "m" }] },
        });
        f.policies = await made("/admin/policies", { name: `${team}-pol`, kind: "request_size", scope: "service", service_id: f.services, config: { max_bytes: 10 } });
        f.prompt_apis = await made("/admin/prompt_apis", {
          name: `${team}-prompt`,
          service_id: f.services,
          path: "/prompt",
          model: "m",
          messages: [{ role: "user", content: "{{text}}" }],
          input_schema: { type: "object" },
        });
      }
      for (const id of Object.values(fixed.blue)) blueOnly.add(id);
      // Blue subscribing to red's service: both teams see this one.
      fixed.red.cross = await made("/admin/subscriptions", { application_id: fixed.blue.applications, service_id: fixed.red.services });
      fixed.red.model_overrides = await made("/admin/model_overrides", { name: "sys-override", input_per_mtok: 1 });
      for (const actor of ACTORS) {
        await api.user(actor.name, actor.system);
        if (actor.role) await api.grant(actor.name, fixed.red.team as string, actor.role);
        tokens.set(actor.name, await api.login(actor.name));
      }
      // Blue's own history, which red must never read in the audit log.
      await asAdmin("PATCH", `/admin/services/${fixed.blue.services}`, { description: "blue change" });
    });
    afterAll(async () => {
      await api.stop();
      await db.dispose();
    });

    for (const actor of ACTORS) {
      describe(actor.name, () => {
        for (const kind of KINDS) {
          test(`${kind}: list, read, create, change and delete in its own team and in another`, async () => {
            const rules = MATRIX[kind];

            // Lists and totals carry nothing of team blue.
            const list = await as(actor, "GET", `/admin/${kind}?limit=1000`);
            if (!isSystem(actor) && kind === "model_overrides") {
              expect(list.status).toBe(403);
            } else {
              expect(list.status).toBe(200);
              const ids = list.body.data.map((e: { id: string }) => e.id);
              expect(list.body.total).toBe(ids.length);
              if (isSystem(actor) && kind !== "model_overrides") expect(ids).toContain(fixed.blue[kind]);
              else for (const id of ids) expect(blueOnly.has(id)).toBe(false);
              if (seesRed(actor, kind)) expect(ids).toContain(fixed.red[kind]);
              if (actor.role === undefined && !isSystem(actor)) expect(list.body.total).toBe(0);
              // Filters and small pages do not leak either.
              const firstPage = await as(actor, "GET", `/admin/${kind}?limit=1`);
              expect(firstPage.body.total).toBe(ids.length);
              if (kind !== "subscriptions" && kind !== "teams" && kind !== "model_overrides") {
                const byName = await as(actor, "GET", `/admin/${kind}?name=${encodeURIComponent(blueName(kind))}`);
                expect(byName.body.total).toBe(isSystem(actor) ? 1 : 0);
              }
            }

            // Get by id (and by name): own team visible, other team 404.
            const own = await as(actor, "GET", `/admin/${kind}/${fixed.red[kind]}`);
            expect(own.status).toBe(seesRed(actor, kind) ? 200 : 404);
            if (kind !== "model_overrides") {
              const other = await as(actor, "GET", `/admin/${kind}/${fixed.blue[kind]}`);
              expect(other.status).toBe(isSystem(actor) ? 200 : 404);
              if (kind !== "subscriptions" && kind !== "credentials") {
                const otherByName = await as(actor, "GET", `/admin/${kind}/${encodeURIComponent(blueName(kind))}`);
                expect(otherByName.status).toBe(isSystem(actor) ? 200 : 404);
              }
            }

            // Create in its own team.
            const doc = await docFor(kind, "red");
            const created = await as(actor, "POST", `/admin/${kind}`, doc);
            if (may(actor, rules.create)) expect(created.status, describeRes(created)).toBe(201);
            else {
              expect(created.status, describeRes(created)).toBeOneOf([403, 400]);
              if (actor.role !== undefined && kind !== "model_overrides") expect(created.status).toBe(403);
              if (typeof doc.name === "string") expect((await asAdmin("GET", `/admin/${kind}/${encodeURIComponent(doc.name)}`)).status).toBe(404);
            }

            // Create in the other team: never for a member, and nothing lands.
            if (kind !== "teams" && kind !== "model_overrides") {
              const blueDoc = await docFor(kind, "blue");
              const foreign = await as(actor, "POST", `/admin/${kind}`, blueDoc);
              if (isSystem(actor)) expect(foreign.status).toBe(201);
              else {
                expect(foreign.status, describeRes(foreign)).toBeOneOf([400, 403]);
                if (typeof blueDoc.name === "string") expect((await asAdmin("GET", `/admin/${kind}/${encodeURIComponent(blueDoc.name)}`)).status).toBe(404);
              }
            }

            // Change.
            const target = kind === "teams" ? (fixed.red.team as string) : kind === "model_overrides" ? (fixed.red.model_overrides as string) : await disposable(kind, "red");
            const patched = await as(actor, "PATCH", `/admin/${kind}/${target}`, patchFor(kind));
            if (!seesRed(actor, kind)) expect(patched.status).toBe(404);
            else expect(patched.status, describeRes(patched)).toBe(may(actor, rules.update) ? 200 : 403);
            // Replace (PUT) with the document as read, by whoever may change it.
            const current = await asAdmin("GET", `/admin/${kind}/${target}`);
            const replaced = await as(actor, "PUT", `/admin/${kind}/${target}`, current.body);
            if (!seesRed(actor, kind)) expect(replaced.status).toBe(404);
            else expect(replaced.status, describeRes(replaced)).toBe(may(actor, rules.update) ? 200 : 403);
            if (kind !== "model_overrides") {
              const foreignPatch = await as(actor, "PATCH", `/admin/${kind}/${fixed.blue[kind]}`, {});
              expect(foreignPatch.status).toBe(isSystem(actor) ? 200 : 404);
              const put = await as(actor, "PUT", `/admin/${kind}/${fixed.blue[kind]}`, {});
              if (!isSystem(actor)) expect(put.status).toBe(404);
            }

            // Move to the other team: only system admins.
            const move = moveFor(kind);
            if (move && may(actor, rules.update)) {
              const moving = await disposable(kind, "red");
              const moved = await as(actor, "PATCH", `/admin/${kind}/${moving}`, move);
              if (isSystem(actor)) expect(moved.status, describeRes(moved)).toBe(200);
              else {
                expect(moved.status, describeRes(moved)).toBeOneOf([400, 403]);
                const still = await asAdmin("GET", `/admin/${kind}/${moving}`);
                for (const [field, value] of Object.entries(move)) expect(still.body[field]).not.toBe(value);
              }
            }

            // Delete.
            const doomed = kind === "model_overrides" ? await made("/admin/model_overrides", { name: unique("mo"), input_per_mtok: 1 }) : kind === "teams" ? (fixed.red.team as string) : await disposable(kind, "red");
            if (kind === "teams" && isSystem(actor)) {
              const spare = await made("/admin/teams", { name: unique("spare") });
              expect((await as(actor, "DELETE", `/admin/teams/${spare}`)).status).toBe(200);
            } else {
              const deleted = await as(actor, "DELETE", `/admin/${kind}/${doomed}`);
              if (!seesRed(actor, kind)) expect(deleted.status).toBe(404);
              else expect(deleted.status, describeRes(deleted)).toBe(may(actor, rules.delete) ? 200 : 403);
              expect((await asAdmin("GET", `/admin/${kind}/${doomed}`)).status).toBe(may(actor, rules.delete) && seesRed(actor, kind) ? 404 : 200);
            }
            if (kind !== "model_overrides" && kind !== "teams") {
              const foreign = isSystem(actor) ? await disposable(kind, "blue") : (fixed.blue[kind] as string);
              expect((await as(actor, "DELETE", `/admin/${kind}/${foreign}`)).status).toBe(isSystem(actor) ? 200 : 404);
            }
          });
        }

        test("subscription actions: the service's team decides, the application's team cancels", async () => {
          const pending = async (team: Team, appTeam: Team = team) =>
            made("/admin/subscriptions", {
              application_id: await made("/admin/applications", { name: unique(`${appTeam}-a`), team_id: fixed[appTeam].team }),
              service_id: fixed[team].services,
            });
          const visible = isSystem(actor) || actor.role !== undefined;
          for (const action of ["approve", "reject", "revoke"] as const) {
            let sub = await pending("red");
            if (action === "revoke") await asAdmin("POST", `/admin/subscriptions/${sub}/approve`);
            const res = await as(actor, "POST", `/admin/subscriptions/${sub}/${action}`, { reason: "matrix" });
            expect(res.status, `${action}: ${describeRes(res)}`).toBe(!visible ? 404 : may(actor, DECIDERS) ? 200 : 403);
            // Red decides on blue's request to red's service.
            sub = await pending("red", "blue");
            if (action === "revoke") await asAdmin("POST", `/admin/subscriptions/${sub}/approve`);
            const cross = await as(actor, "POST", `/admin/subscriptions/${sub}/${action}`, { reason: "matrix" });
            expect(cross.status).toBe(!visible ? 404 : may(actor, DECIDERS) ? 200 : 403);
            const foreign = await as(actor, "POST", `/admin/subscriptions/${await pending("blue")}/${action}`, { reason: "matrix" });
            expect(foreign.status).toBe(isSystem(actor) ? (action === "revoke" ? 409 : 200) : 404);
          }
          const cancel = await as(actor, "POST", `/admin/subscriptions/${await pending("red")}/cancel`);
          expect(cancel.status).toBe(!visible ? 404 : may(actor, AM) ? 200 : 403);
          // Cancelling blue's request is blue's move, even though red sees it.
          const crossCancel = await as(actor, "POST", `/admin/subscriptions/${await pending("red", "blue")}/cancel`);
          expect(crossCancel.status).toBe(!visible ? 404 : isSystem(actor) ? 200 : 403);
        });

        test("key rotation: the application's team developers and admins", async () => {
          const red = await disposable("credentials", "red");
          const res = await as(actor, "POST", `/admin/credentials/${red}/rotate`, { overlap_seconds: 0 });
          const visible = isSystem(actor) || actor.role !== undefined;
          expect(res.status, describeRes(res)).toBe(!visible ? 404 : may(actor, AM) ? 201 : 403);
          const blue = await disposable("credentials", "blue");
          expect((await as(actor, "POST", `/admin/credentials/${blue}/rotate`, {})).status).toBe(isSystem(actor) ? 201 : 404);
        });

        test("policies follow their target: team scope for team admins, application scope for developers, global for system admins", async () => {
          const cases: { doc: Record<string, unknown>; roles: TeamRole[] }[] = [
            { doc: { scope: "team", team_id: fixed.red.team }, roles: ["team_admin"] },
            { doc: { scope: "route", route_id: fixed.red.routes }, roles: SM },
            { doc: { scope: "application", application_id: fixed.red.applications }, roles: AM },
            { doc: { scope: "global" }, roles: NONE },
          ];
          for (const { doc, roles } of cases) {
            const res = await as(actor, "POST", "/admin/policies", { name: unique("pol"), kind: "request_size", config: { max_bytes: 5 }, ...doc });
            if (may(actor, roles)) expect(res.status, describeRes(res)).toBe(201);
            else expect(res.status, `${doc.scope}: ${describeRes(res)}`).toBeOneOf(actor.role === undefined && !isSystem(actor) && doc.scope !== "global" ? [400] : [403]);
          }
        });

        test("users, audit log, target health, status and extensions", async () => {
          expect((await as(actor, "GET", "/admin/users")).status).toBe(isSystem(actor) ? 200 : 403);
          expect((await as(actor, "POST", "/admin/users", { username: unique("u"), password: "long enough password" })).status).toBe(isSystem(actor) ? 201 : 403);
          expect((await as(actor, "GET", "/admin/health/targets")).status).toBe(isSystem(actor) ? 200 : 403);
          expect((await as(actor, "GET", "/admin/status")).status).toBe(200);
          expect((await as(actor, "GET", "/admin/me")).status).toBe(200);

          const audit = await as(actor, "GET", "/admin/audit-log?limit=1000");
          expect(audit.status).toBe(isSystem(actor) || actor.role === "team_admin" ? 200 : 403);
          if (audit.status === 200 && !isSystem(actor)) {
            expect(audit.body.data.length).toBeGreaterThan(0);
            for (const entry of audit.body.data) {
              expect(entry.teams).toContain(fixed.red.team);
              expect(blueOnly.has(entry.entity_id)).toBe(false);
            }
          }
          if (isSystem(actor)) expect(audit.body.data.some((e: { entity_id: string }) => e.entity_id === fixed.blue.services)).toBe(true);

          const inATeam = isSystem(actor) || actor.role !== undefined;
          for (const segment of ["calls", "analytics", "budget-alerts"]) {
            const read = await as(actor, "GET", `/admin/${segment}`);
            if (inATeam) expect(read.status, `${segment}: ${describeRes(read)}`).not.toBe(403);
            else expect(read.status).toBe(403);
            const write = await as(actor, "POST", `/admin/${segment}`, {});
            if (!isSystem(actor) && !(segment === "budget-alerts" && actor.role === "team_admin")) expect(write.status).toBe(403);
            else expect(write.status).not.toBe(403);
          }
        });
      });
    }

    function blueName(kind: Kind): string {
      if (kind === "teams") return "blue";
      const suffix: Partial<Record<Kind, string>> = {
        upstreams: "up",
        services: "svc",
        routes: "route",
        applications: "app",
        credentials: "cred",
        providers: "prov",
        virtual_models: "vm",
        policies: "pol",
        prompt_apis: "prompt",
      };
      return `blue-${suffix[kind] ?? kind}`;
    }
  });
}
