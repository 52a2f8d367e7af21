/**
 * The audit log over the admin API, on every store backend: an entry per
 * change with who, how, from where and what, before/after documents with
 * secrets masked, written in the change's transaction; filters, cursor
 * pages and team scoping.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SecretBox } from "../../src/core/secrets.ts";
import type { FreshStore } from "./admin.case.ts";
import { TOKEN } from "./fixture.ts";
import { type IdentityServer, PASSWORD, startIdentityAdmin } from "./identity-fixture.ts";

interface Entry {
  id: string;
  at: string;
  actor: { user_id: string | null; username: string | null; auth_method: string | null; ip: string | null };
  method: string;
  path: string;
  action: string;
  kind: string | null;
  entity_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  teams: string[];
}

export function auditLogSuite(backend: string, fresh: () => Promise<FreshStore>): void {
  describe(`audit log (${backend})`, () => {
    let db: FreshStore;
    let api: IdentityServer;
    const SECRET = "sk-live-provider-secret-ABCDWXYZ";

    beforeAll(async () => {
      db = await fresh();
      api = startIdentityAdmin(db.store, { secrets: new SecretBox(Buffer.alloc(32, 7)) });
    });
    afterAll(async () => {
      await api.stop();
      await db.dispose();
    });

    async function entries(query: string, credential: string = TOKEN): Promise<Entry[]> {
      const res = await api.call("GET", `/admin/audit-log?limit=1000${query}`, undefined, credential);
      expect(res.status).toBe(200);
      return res.body.data as Entry[];
    }

    async function only(query: string): Promise<Entry> {
      const found = await entries(query);
      expect(found).toHaveLength(1);
      return found[0] as Entry;
    }

    test("entity create, replace, patch and delete: who, how, from where, what, before and after", async () => {
      const created = await api.call("POST", "/admin/teams", { name: "audit-team", description: "first" });
      const id = created.body.id as string;
      const entry = await only(`&entity_id=${id}&action=create`);
      expect(entry).toMatchObject({
        actor: { user_id: "admin", username: "admin", auth_method: "admin_token", ip: "127.0.0.1" },
        method: "POST",
        path: "/admin/teams",
        action: "create",
        kind: "teams",
        entity_id: id,
        before: null,
        teams: [id],
      });
      expect(entry.after).toMatchObject({ id, name: "audit-team", description: "first" });
      expect(Math.abs(Date.parse(entry.at) - Date.now())).toBeLessThan(60_000);

      await api.call("PUT", `/admin/teams/${id}`, { name: "audit-team", description: "second" });
      const replaced = await only(`&entity_id=${id}&action=update`);
      expect(replaced.method).toBe("PUT");
      expect(replaced.before?.description).toBe("first");
      expect(replaced.after?.description).toBe("second");

      await api.call("PATCH", `/admin/teams/audit-team`, { description: "third" });
      const patched = await only(`&entity_id=${id}&action=patch`);
      expect(patched.path).toBe("/admin/teams/audit-team");
      expect([patched.before?.description, patched.after?.description]).toEqual(["second", "third"]);

      await api.call("DELETE", `/admin/teams/${id}`);
      const deleted = await only(`&entity_id=${id}&action=delete`);
      expect(deleted.before).toMatchObject({ id, description: "third" });
      expect(deleted.after).toBeNull();
    });

    test("credential keys, rotated keys and provider secrets never reach the log", async () => {
      await api.call("POST", "/admin/applications", { name: "audit-app" });
      const cred = await api.call("POST", "/admin/credentials", { name: "audit-key", application_id: "audit-app" });
      const key = cred.body.key as string;
      const rotated = await api.call("POST", `/admin/credentials/${cred.body.id}/rotate`, { overlap_seconds: 60 });
      expect(rotated.status).toBe(201);
      const provider = await api.call("POST", "/admin/providers", { name: "audit-prov", kind: "openai", keys: [{ name: "k", secret: SECRET }] });
      expect(provider.status).toBe(201);
      await api.call("PATCH", "/admin/providers/audit-prov", { keys: [{ name: "k", secret: `${SECRET}-2` }] });

      const all = JSON.stringify(await entries(""));
      for (const secret of [key, rotated.body.credential.key, SECRET, "key_hash", "secret_enc"]) expect(all).not.toContain(secret);

      const createEntry = await only(`&entity_id=${cred.body.id}&action=create`);
      expect(createEntry.after?.key).toBe("***");
      expect(createEntry.after?.key_prefix).toBe(cred.body.key_prefix);
      const rotation = await only(`&entity_id=${cred.body.id}&action=rotate`);
      expect(rotation.kind).toBe("credentials");
      expect((rotation.after?.credential as Record<string, unknown>).key).toBe("***");
      expect(rotation.before?.expires_at).toBeUndefined();
      expect((rotation.after?.previous as Record<string, unknown>).expires_at).toBeDefined();
      const providerPatch = await only(`&entity_id=${provider.body.id}&action=patch`);
      expect((providerPatch.after?.keys as Record<string, unknown>[])[0]?.secret_hint).toBeDefined();
    });

    test("subscription actions record the status before and after", async () => {
      await api.call("POST", "/admin/services", { name: "audit-gated", subscription_approval: "manual" });
      await api.call("POST", "/admin/applications", { name: "audit-sub-app" });
      const sub = await api.call("POST", "/admin/subscriptions", { application_id: "audit-sub-app", service_id: "audit-gated" });
      await api.call("POST", `/admin/subscriptions/${sub.body.id}/approve`);
      await api.call("POST", `/admin/subscriptions/${sub.body.id}/revoke`, { reason: "abuse" });
      const approve = await only(`&entity_id=${sub.body.id}&action=approve`);
      expect([approve.before?.status, approve.after?.status]).toEqual(["pending", "approved"]);
      const revoke = await only(`&entity_id=${sub.body.id}&action=revoke`);
      expect([revoke.before?.status, revoke.after?.status, revoke.after?.reason]).toEqual(["approved", "revoked", "abuse"]);
      const rejected = (await api.call("POST", "/admin/subscriptions", { application_id: (await api.call("POST", "/admin/applications", { name: "audit-sub-app-2" })).body.id, service_id: "audit-gated" })).body.id;
      await api.call("POST", `/admin/subscriptions/${rejected}/reject`, { reason: "not yet" });
      expect((await only(`&entity_id=${rejected}&action=reject`)).after).toMatchObject({ status: "rejected", reason: "not yet" });
      const cancelled = (await api.call("POST", "/admin/subscriptions", { application_id: (await api.call("POST", "/admin/applications", { name: "audit-sub-app-3" })).body.id, service_id: "audit-gated" })).body.id;
      await api.call("POST", `/admin/subscriptions/${cancelled}/cancel`);
      expect((await only(`&entity_id=${cancelled}&action=cancel`)).after).toMatchObject({ status: "cancelled" });
      // A refused transition changes nothing and logs nothing.
      expect((await api.call("POST", `/admin/subscriptions/${sub.body.id}/approve`)).status).toBe(409);
      expect(await entries(`&entity_id=${sub.body.id}&action=approve`)).toHaveLength(1);
    });

    test("users, memberships, tokens, logins, failed logins and logouts are logged without passwords or tokens", async () => {
      const userId = await api.user("audit-ivy");
      await api.call("POST", "/admin/teams", { name: "audit-ivy-team" });
      const membership = await api.call("POST", "/admin/memberships", { user_id: "audit-ivy", team_id: "audit-ivy-team", role: "developer" });
      await api.call("DELETE", `/admin/memberships/${membership.body.id}`);
      await api.call("POST", "/admin/login", { username: "audit-ivy", password: "wrong password" }, null);
      await api.call("POST", "/admin/login", { username: "audit-nobody", password: "wrong password" }, null);
      const session = await api.login("audit-ivy");
      const pat = await api.call("POST", "/admin/tokens", { name: "audit-pat" }, session);
      await api.call("DELETE", `/admin/tokens/${pat.body.id}`, undefined, session);
      await api.call("PATCH", `/admin/users/${userId}`, { password: "a new password for ivy", current_password: PASSWORD }, session);
      await api.call("POST", "/admin/logout", undefined, session);

      const userCreate = await only(`&kind=users&action=create&entity_id=${userId}`);
      expect(userCreate.after).toMatchObject({ username: "audit-ivy", role: "member", has_password: true });
      expect((await only(`&kind=memberships&action=create&entity_id=${membership.body.id}`)).after).toMatchObject({ role: "developer" });
      expect((await only(`&kind=memberships&action=delete&entity_id=${membership.body.id}`)).before).toMatchObject({ username: "audit-ivy" });

      const failed = await entries("&action=login_failed");
      expect(failed).toHaveLength(2);
      expect(failed.map((e) => e.actor.user_id).sort()).toEqual([null, userId].sort());
      expect(failed.every((e) => e.actor.ip === "127.0.0.1" && e.actor.auth_method === null)).toBe(true);

      const logins = await entries(`&action=login&actor=audit-ivy`);
      expect(logins).toHaveLength(1);
      expect(logins[0]?.actor.auth_method).toBe("session");

      const byIvy = await entries(`&actor=${userId}`);
      expect(byIvy.map((e) => e.action).sort()).toEqual(["create", "login", "login_failed", "logout", "patch", "revoke"].sort());
      const tokenCreate = byIvy.find((e) => e.kind === "access_tokens" && e.action === "create");
      expect(tokenCreate?.actor.auth_method).toBe("session");
      expect(tokenCreate?.after?.prefix).toBe(pat.body.prefix);

      const other = await api.login("audit-ivy", "a new password for ivy");
      const otherSession = (await api.call("GET", "/admin/me", undefined, other)).body.credential_id as string;
      await api.call("DELETE", `/admin/sessions/${otherSession}`);
      expect((await only(`&kind=sessions&action=revoke&entity_id=${otherSession}`)).after?.revoked_at).not.toBeNull();
      await api.call("DELETE", `/admin/users/${userId}`);
      expect((await only(`&kind=users&action=delete&entity_id=${userId}`)).before).toMatchObject({ username: "audit-ivy" });

      const all = JSON.stringify(await entries(""));
      for (const secret of [PASSWORD, "a new password for ivy", "wrong password", pat.body.token, session, other, "argon2", "token_hash"]) expect(all).not.toContain(secret);
    });

    test("filters by time, kind and team; cursor pages walk every entry once, newest first", async () => {
      const start = new Date().toISOString();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await api.call("POST", "/admin/teams", { name: `audit-page-${i}` })).body.id);
      const since = await entries(`&from=${encodeURIComponent(start)}&kind=teams&action=create`);
      expect(since.map((e) => e.entity_id)).toEqual([...ids].reverse());
      expect(await entries(`&to=${encodeURIComponent(start)}&entity_id=${ids[0]}`)).toHaveLength(0);
      expect(await entries(`&team_id=${ids[2]}`)).toHaveLength(1);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { data: Entry[]; next: string | null } } = await api.call(
          "GET",
          `/admin/audit-log?limit=2&from=${encodeURIComponent(start)}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((e) => e.id));
        cursor = page.body.next;
      } while (cursor !== null);
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);

      expect((await api.call("GET", "/admin/audit-log?from=yesterday")).status).toBe(400);
      expect((await api.call("GET", "/admin/audit-log?cursor=nope")).status).toBe(400);
      expect((await api.call("GET", "/admin/audit-log?user=x")).status).toBe(400);
      expect((await api.call("POST", "/admin/audit-log")).status).toBe(405);
    });

    test("a team admin reads only their teams' entries; a refused change leaves neither change nor entry", async () => {
      const mine = (await api.call("POST", "/admin/teams", { name: "audit-mine" })).body.id as string;
      const theirs = (await api.call("POST", "/admin/teams", { name: "audit-theirs" })).body.id as string;
      await api.call("POST", "/admin/services", { name: "audit-mine-svc", team_id: mine });
      await api.call("POST", "/admin/services", { name: "audit-theirs-svc", team_id: theirs });
      await api.user("audit-lead");
      await api.grant("audit-lead", mine, "team_admin");
      const lead = await api.login("audit-lead");

      const seen = await entries("", lead);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((e) => e.teams.includes(mine))).toBe(true);
      expect(JSON.stringify(seen)).not.toContain("audit-theirs");
      expect(await entries(`&team_id=${theirs}`, lead)).toHaveLength(0);

      const before = (await entries("")).length;
      const refused = await api.call("POST", "/admin/services", { name: "audit-sneaky", team_id: theirs }, lead);
      expect(refused.status).toBe(400);
      expect((await api.call("GET", "/admin/services/audit-sneaky")).status).toBe(404);
      expect((await entries("")).length).toBe(before);
    });

    test("a change whose audit entry cannot be written does not land", async () => {
      const other = await fresh();
      const api2 = startIdentityAdmin(other.store);
      try {
        await other.store.db.write((q) => q.run(`DROP TABLE audit_log_teams`));
        const res = await api2.call("POST", "/admin/teams", { name: "unaudited" });
        expect(res.status).toBe(500);
        expect(res.body.error.code).toBe("internal_error");
        expect((await api2.call("GET", "/admin/teams/unaudited")).status).toBe(404);
        expect(await other.store.revision()).toBe(0);
      } finally {
        await api2.stop();
        await other.dispose();
      }
    });
  });
}
