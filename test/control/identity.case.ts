/**
 * Users, login, sessions, personal access tokens and team memberships over
 * the admin API, run against every store backend.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hashToken } from "../../src/identity/tokens.ts";
import type { Store } from "../../src/store/store.ts";
import type { FreshStore } from "./admin.case.ts";
import { TOKEN } from "./fixture.ts";
import { type IdentityServer, PASSWORD, startIdentityAdmin } from "./identity-fixture.ts";

export function identitySuite(backend: string, fresh: () => Promise<FreshStore>): void {
  describe(`admin identity (${backend})`, () => {
    let db: FreshStore;
    let store: Store;
    let api: IdentityServer;

    beforeAll(async () => {
      db = await fresh();
      store = db.store;
      api = startIdentityAdmin(store, { sessionTtlSeconds: 600 });
    });
    afterAll(async () => {
      await api.stop();
      await db.dispose();
    });

    test("the admin token authenticates as the built-in super admin", async () => {
      const res = await api.call("GET", "/admin/me");
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id: "admin", username: "admin", role: "super_admin", built_in: true, disabled: false });
      expect(res.body.auth_method).toBe("admin_token");
      expect((await api.call("GET", "/admin/me", undefined, null, { "x-admin-token": TOKEN })).status).toBe(200);
      expect((await api.call("GET", "/admin/me", undefined, "wrong")).status).toBe(401);
      expect((await api.call("GET", "/admin/me", undefined, null)).body.error.code).toBe("admin_unauthorized");
    });

    test("login gives a session token that authenticates; only its hash is stored", async () => {
      const id = await api.user("login-alice");
      const res = await api.call("POST", "/admin/login", { username: "login-alice", password: PASSWORD }, null);
      expect(res.status).toBe(200);
      const token: string = res.body.token;
      expect(token).toMatch(/^wgs_[A-Za-z0-9]{43}$/);
      expect(res.body.user).toMatchObject({ id, username: "login-alice", role: "member", has_password: true });
      expect(JSON.stringify(res.body)).not.toContain("argon2");
      expect(Date.parse(res.body.session.expires_at) - Date.now()).toBeGreaterThan(590_000);
      expect(Date.parse(res.body.session.expires_at) - Date.now()).toBeLessThan(610_000);

      const me = await api.call("GET", "/admin/me", undefined, token);
      expect(me.status).toBe(200);
      expect(me.body.user.id).toBe(id);
      expect(me.body.auth_method).toBe("session");

      const rows = await store.db.read((q) => q.all(`SELECT token_hash, prefix FROM admin_sessions WHERE user_id = ?`, [id]), false);
      expect(rows).toEqual([{ token_hash: hashToken(token), prefix: token.slice(0, 12) }]);
      const [user] = await store.db.read((q) => q.all(`SELECT password_hash FROM users WHERE id = ?`, [id]), false);
      expect(String(user?.password_hash)).toStartWith("$argon2id$");
    });

    test("unknown user, wrong password and a user without a password get the same 401 invalid_login", async () => {
      await api.user("login-bob");
      const answers = await Promise.all([
        api.call("POST", "/admin/login", { username: "nobody-here", password: PASSWORD }, null),
        api.call("POST", "/admin/login", { username: "login-bob", password: "not the password" }, null),
        api.call("POST", "/admin/login", { username: "admin", password: PASSWORD }, null),
      ]);
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe("invalid_login");
        expect(res.body.error.message).toBe(answers[0]?.body.error.message);
      }
      const bad = await api.call("POST", "/admin/login", { username: "login-bob" }, null);
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe("password");
      expect((await api.call("GET", "/admin/login", undefined, null)).status).toBe(405);
    });

    test("too many failed logins for a name or from an address answer 429 for a while, known name or not", async () => {
      const limited = startIdentityAdmin(store, { loginThrottle: { perUsername: 3, perAddress: 6, windowMs: 60_000 } });
      try {
        await limited.user("throttle-kim");
        const attempt = (username: string, password: string) => limited.call("POST", "/admin/login", { username, password }, null);
        for (const name of ["throttle-kim", "throttle-nobody"]) {
          for (let i = 0; i < 3; i++) expect((await attempt(name, "guess")).status).toBe(401);
          const refused = await attempt(name, PASSWORD);
          expect(refused.status).toBe(429);
          expect(refused.body.error.code).toBe("rate_limited");
          expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
        }
        // Six failures from this address: every name is refused now, even a correct login.
        expect((await attempt("someone-else", PASSWORD)).status).toBe(429);
        limited.advance(61);
        expect((await attempt("throttle-kim", PASSWORD)).status).toBe(200);
        expect((await attempt("throttle-kim", "guess")).status).toBe(401);
        expect((await attempt("throttle-kim", PASSWORD)).status).toBe(200);
      } finally {
        await limited.stop();
      }
    });

    test("logout ends the session at once; logout needs a session", async () => {
      await api.user("logout-carol");
      const token = await api.login("logout-carol");
      expect((await api.call("GET", "/admin/me", undefined, token)).status).toBe(200);
      const out = await api.call("POST", "/admin/logout", undefined, token);
      expect(out.status).toBe(200);
      expect(out.body.revoked).toBe(true);
      expect((await api.call("GET", "/admin/me", undefined, token)).status).toBe(401);
      expect((await api.call("POST", "/admin/logout")).status).toBe(400);
    });

    test("a session stops working when it expires", async () => {
      await api.user("expiry-dan");
      const token = await api.login("expiry-dan");
      api.advance(599);
      expect((await api.call("GET", "/admin/me", undefined, token)).status).toBe(200);
      api.advance(2);
      expect((await api.call("GET", "/admin/me", undefined, token)).status).toBe(401);
      // A week after it ended, the next login sweeps the session away.
      const count = async () => (await store.db.read((q) => q.all(`SELECT count(*) AS n FROM admin_sessions WHERE token_hash = ?`, [hashToken(token)]), false))[0]?.n;
      await api.login("expiry-dan");
      expect(Number(await count())).toBe(1);
      api.advance(7 * 86_400);
      await api.login("expiry-dan");
      expect(Number(await count())).toBe(0);
      api.advance(-601 - 7 * 86_400);
    });

    test("sessions are listed and revocable by their owner; not by other members", async () => {
      const id = await api.user("sessions-erin");
      await api.user("sessions-other");
      const token = await api.login("sessions-erin");
      const second = await api.login("sessions-erin");
      const list = await api.call("GET", "/admin/sessions", undefined, token);
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(2);
      expect(JSON.stringify(list.body)).not.toContain(token);
      const me = await api.call("GET", "/admin/me", undefined, second);
      const other = await api.login("sessions-other");
      expect((await api.call("DELETE", `/admin/sessions/${me.body.credential_id}`, undefined, other)).status).toBe(404);
      expect((await api.call("GET", `/admin/sessions?user_id=${id}`, undefined, other)).status).toBe(403);
      expect((await api.call("DELETE", `/admin/sessions/${me.body.credential_id}`, undefined, token)).status).toBe(200);
      expect((await api.call("GET", "/admin/me", undefined, second)).status).toBe(401);
      expect((await api.call("GET", "/admin/me", undefined, token)).status).toBe(200);
      expect((await api.call("GET", `/admin/sessions?user_id=${id}`)).body.total).toBe(2);
    });

    test("personal access tokens: shown once, stored hashed, listed by prefix, revocable, expiring", async () => {
      const id = await api.user("pat-frank");
      const session = await api.login("pat-frank");
      const created = await api.call("POST", "/admin/tokens", { name: "ci", expires_in_seconds: 3600 }, session);
      expect(created.status).toBe(201);
      const pat: string = created.body.token;
      expect(pat).toMatch(/^wgp_[A-Za-z0-9]{43}$/);
      expect(created.body).toMatchObject({ name: "ci", user_id: id, prefix: pat.slice(0, 12), revoked_at: null });

      const me = await api.call("GET", "/admin/me", undefined, pat);
      expect(me.body.auth_method).toBe("access_token");
      expect(me.body.user.id).toBe(id);

      const list = await api.call("GET", "/admin/tokens", undefined, pat);
      expect(list.body.total).toBe(1);
      expect(list.body.data[0].prefix).toBe(pat.slice(0, 12));
      expect(list.body.data[0].last_used_at).not.toBeNull();
      expect(JSON.stringify(list.body)).not.toContain(pat);
      expect(JSON.stringify(await api.call("GET", `/admin/tokens/${created.body.id}`, undefined, session))).not.toContain(pat);
      const [row] = await store.db.read((q) => q.all(`SELECT token_hash FROM access_tokens WHERE id = ?`, [created.body.id]), false);
      expect(row?.token_hash).toBe(hashToken(pat));

      await api.user("pat-stranger");
      const stranger = await api.login("pat-stranger");
      expect((await api.call("GET", `/admin/tokens/${created.body.id}`, undefined, stranger)).status).toBe(404);
      expect((await api.call("DELETE", `/admin/tokens/${created.body.id}`, undefined, stranger)).status).toBe(404);
      expect((await api.call("GET", "/admin/tokens", undefined, stranger)).body.total).toBe(0);

      const revoked = await api.call("DELETE", `/admin/tokens/${created.body.id}`, undefined, session);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked_at).not.toBeNull();
      expect((await api.call("GET", "/admin/me", undefined, pat)).status).toBe(401);

      const short = await api.call("POST", "/admin/tokens", { name: "short", expires_in_seconds: 30 }, session);
      expect((await api.call("GET", "/admin/me", undefined, short.body.token)).status).toBe(200);
      api.advance(31);
      expect((await api.call("GET", "/admin/me", undefined, short.body.token)).status).toBe(401);
      api.advance(-31);

      const forever = await api.call("POST", "/admin/tokens", { name: "no-expiry" }, session);
      expect(forever.body.expires_at).toBeNull();
      expect((await api.call("POST", "/admin/tokens", { name: "past", expires_at: "2001-01-01T00:00:00Z" }, session)).status).toBe(400);
      expect((await api.call("POST", "/admin/tokens", { name: "" }, session)).body.error.details[0].path).toBe("name");
      expect((await api.call("POST", "/admin/tokens", { name: "x", user_id: "admin" }, session)).status).toBe(403);
    });

    test("a system admin issues a token for a service account and lists it", async () => {
      const id = await api.user("svc-account");
      const created = await api.call("POST", "/admin/tokens", { name: "deploy", user_id: "svc-account" });
      expect(created.status).toBe(201);
      expect(created.body.user_id).toBe(id);
      expect((await api.call("GET", "/admin/me", undefined, created.body.token)).body.user.username).toBe("svc-account");
      expect((await api.call("GET", `/admin/tokens?user_id=${id}`)).body.total).toBe(1);
    });

    test("disabling a user stops their sessions and tokens at once and refuses their login", async () => {
      const id = await api.user("disabled-gina");
      const session = await api.login("disabled-gina");
      const pat = (await api.call("POST", "/admin/tokens", { name: "t" }, session)).body.token as string;
      expect((await api.call("GET", "/admin/me", undefined, pat)).status).toBe(200);

      const off = await api.call("PATCH", `/admin/users/${id}`, { disabled: true });
      expect(off.status).toBe(200);
      expect(off.body.disabled).toBe(true);
      expect((await api.call("GET", "/admin/me", undefined, session)).status).toBe(401);
      expect((await api.call("GET", "/admin/me", undefined, pat)).status).toBe(401);
      const refused = await api.call("POST", "/admin/login", { username: "disabled-gina", password: PASSWORD }, null);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe("invalid_login");

      expect((await api.call("PATCH", `/admin/users/${id}`, { disabled: false })).status).toBe(200);
      // Re-enabling does not revive what disabling ended.
      expect((await api.call("GET", "/admin/me", undefined, session)).status).toBe(401);
      expect((await api.call("GET", "/admin/me", undefined, pat)).status).toBe(401);
      expect((await api.call("GET", "/admin/me", undefined, await api.login("disabled-gina"))).status).toBe(200);
    });

    test("users: system admins manage them; only a super_admin touches super_admins; the built-in admin stays", async () => {
      const adminId = await api.user("users-admin", "admin");
      const admin = await api.login("users-admin");
      const memberId = await api.user("users-member");
      const member = await api.login("users-member");

      expect((await api.call("GET", "/admin/users", undefined, member)).status).toBe(403);
      expect((await api.call("POST", "/admin/users", { username: "x1", password: PASSWORD }, member)).status).toBe(403);
      expect((await api.call("GET", `/admin/users/${memberId}`, undefined, member)).status).toBe(200);
      expect((await api.call("GET", `/admin/users/${adminId}`, undefined, member)).status).toBe(404);

      const list = await api.call("GET", "/admin/users?limit=2", undefined, admin);
      expect(list.status).toBe(200);
      expect(list.body.data).toHaveLength(2);
      expect(list.body.next).not.toBeNull();
      expect(JSON.stringify(list.body)).not.toContain("password_hash");

      expect((await api.call("POST", "/admin/users", { username: "x2", password: PASSWORD, role: "super_admin" }, admin)).status).toBe(403);
      expect((await api.call("PATCH", "/admin/users/admin", { password: "another long password" }, admin)).status).toBe(403);
      expect((await api.call("PATCH", `/admin/users/${memberId}`, { role: "super_admin" }, admin)).status).toBe(403);
      expect((await api.call("PATCH", `/admin/users/${memberId}`, { role: "admin" }, admin)).body.role).toBe("admin");
      expect((await api.call("POST", "/admin/users", { username: "x3", password: PASSWORD, role: "super_admin" })).status).toBe(201);

      expect((await api.call("POST", "/admin/users", { username: "x4", password: "short" }, admin)).body.error.details[0].path).toBe("password");
      expect((await api.call("POST", "/admin/users", { username: "users-member", password: PASSWORD }, admin)).status).toBe(409);
      expect((await api.call("POST", "/admin/users", { username: "bad name", password: PASSWORD }, admin)).status).toBe(400);
      expect((await api.call("POST", "/admin/users", { username: "x5", password: PASSWORD, role: "root" }, admin)).status).toBe(400);

      expect((await api.call("DELETE", "/admin/users/admin")).status).toBe(403);
      expect((await api.call("PATCH", "/admin/users/admin", { disabled: true })).status).toBe(403);
      expect((await api.call("PATCH", "/admin/users/admin", { role: "member" })).status).toBe(403);
      expect((await api.call("DELETE", `/admin/users/${adminId}`, undefined, admin)).status).toBe(403);

      const doomed = await api.user("users-doomed");
      const doomedSession = await api.login("users-doomed");
      expect((await api.call("DELETE", `/admin/users/${doomed}`, undefined, admin)).body).toEqual({ id: doomed, deleted: true });
      expect((await api.call("GET", "/admin/me", undefined, doomedSession)).status).toBe(401);
      expect((await api.call("GET", `/admin/users/${doomed}`)).status).toBe(404);
    });

    test("changing your own password needs the current one; an admin reset ends existing logins", async () => {
      const id = await api.user("pw-hank");
      const session = await api.login("pw-hank");
      const without = await api.call("PATCH", `/admin/users/${id}`, { password: "a brand new password" }, session);
      expect(without.status).toBe(401);
      expect(without.body.error.code).toBe("invalid_login");
      expect((await api.call("PATCH", `/admin/users/${id}`, { role: "admin" }, session)).status).toBe(403);
      const changed = await api.call("PATCH", `/admin/users/${id}`, { password: "a brand new password", current_password: PASSWORD }, session);
      expect(changed.status).toBe(200);
      expect((await api.call("POST", "/admin/login", { username: "pw-hank", password: PASSWORD }, null)).status).toBe(401);
      const fresh = await api.login("pw-hank", "a brand new password");
      expect((await api.call("GET", "/admin/me", undefined, session)).status).toBe(200);

      expect((await api.call("PATCH", `/admin/users/${id}`, { password: "the admin's choice!" })).status).toBe(200);
      expect((await api.call("GET", "/admin/me", undefined, session)).status).toBe(401);
      expect((await api.call("GET", "/admin/me", undefined, fresh)).status).toBe(401);
      expect((await api.call("PATCH", `/admin/users/${id}`, { nickname: "h" })).body.error.details[0].path).toBe("nickname");
    });

    test("memberships: team_admins manage their own team's, members see only their teams'", async () => {
      const red = (await api.call("POST", "/admin/teams", { name: "m-red" })).body.id as string;
      const blue = (await api.call("POST", "/admin/teams", { name: "m-blue" })).body.id as string;
      await api.user("m-lead");
      await api.user("m-dev");
      await api.user("m-blue-dev");
      await api.grant("m-lead", red, "team_admin");
      await api.grant("m-blue-dev", blue, "developer");
      const lead = await api.login("m-lead");
      const dev = await api.login("m-dev");

      const granted = await api.call("POST", "/admin/memberships", { user_id: "m-dev", team_id: "m-red", role: "developer" }, lead);
      expect(granted.status).toBe(201);
      expect(granted.body).toMatchObject({ username: "m-dev", team_id: red, role: "developer" });
      expect((await api.call("POST", "/admin/memberships", { user_id: "m-dev", team_id: "m-red", role: "developer" }, lead)).status).toBe(409);
      const elsewhere = await api.call("POST", "/admin/memberships", { user_id: "m-dev", team_id: "m-blue", role: "developer" }, lead);
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body.error.code).toBe("reference_not_found");
      expect((await api.call("POST", "/admin/memberships", { user_id: "m-dev", team_id: "m-red", role: "team_admin" }, dev)).status).toBe(403);
      expect((await api.call("POST", "/admin/memberships", { user_id: "m-dev", team_id: "m-red", role: "owner" }, lead)).status).toBe(400);

      const seen = await api.call("GET", "/admin/memberships", undefined, dev);
      expect(seen.body.total).toBe(2);
      expect(seen.body.data.every((m: { team_id: string }) => m.team_id === red)).toBe(true);
      expect((await api.call("GET", `/admin/memberships?team_id=${blue}`, undefined, dev)).body.total).toBe(0);
      expect((await api.call("GET", `/admin/memberships?team_id=${blue}`)).body.total).toBe(1);

      const me = await api.call("GET", "/admin/me", undefined, dev);
      expect(me.body.teams).toEqual([{ team_id: red, roles: ["developer"] }]);

      const blueMembership = (await api.call("GET", `/admin/memberships?team_id=${blue}`)).body.data[0].id as string;
      expect((await api.call("GET", `/admin/memberships/${blueMembership}`, undefined, lead)).status).toBe(404);
      expect((await api.call("DELETE", `/admin/memberships/${blueMembership}`, undefined, lead)).status).toBe(404);
      expect((await api.call("DELETE", `/admin/memberships/${granted.body.id}`, undefined, dev)).status).toBe(403);
      expect((await api.call("DELETE", `/admin/memberships/${granted.body.id}`, undefined, lead)).status).toBe(200);
      expect((await api.call("GET", "/admin/me", undefined, dev)).body.teams).toEqual([]);

      // Deleting a team removes its memberships.
      expect((await api.call("DELETE", `/admin/teams/${blue}`)).status).toBe(200);
      expect((await api.call("GET", "/admin/memberships?user_id=m-blue-dev")).body.total).toBe(0);
    });
  });
}
