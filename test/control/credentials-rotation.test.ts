import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hashApiKey } from "../../src/core/keys.ts";
import { rotatedName } from "../../src/control/credential-rotation.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, waitFor } from "../support/gateway.ts";
import { sqliteBackend } from "../store/backends.ts";
import { type AdminServer, startAdmin } from "./fixture.ts";
import type { FreshStore } from "./admin.case.ts";

describe("credential rotation over the admin API (sqlite)", () => {
  let db: FreshStore;
  let api: AdminServer;
  let appN = 0;

  beforeAll(async () => {
    db = await sqliteBackend.fresh();
    api = startAdmin(db.store);
  });
  afterAll(async () => {
    await api.stop();
    await db.dispose();
  });

  async function credential(extra: Record<string, unknown> = {}) {
    const app = await api.call("POST", "/admin/applications", { name: `app-${++appN}` });
    const res = await api.call("POST", "/admin/credentials", { name: "primary", application_id: app.body.id, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  }

  const rotate = (id: string, body?: unknown) => api.call("POST", `/admin/credentials/${id}/rotate`, body);

  test("default: a new key shown once, the old one expires after 24 h, both for the same application", async () => {
    const old = await credential();
    const before = Date.now();
    const res = await rotate(old.id);
    const after = Date.now();
    expect(res.status).toBe(201);
    const { credential: fresh, previous } = res.body;

    expect(fresh.id).not.toBe(old.id);
    expect(fresh.application_id).toBe(old.application_id);
    expect(fresh.kind).toBe("api_key");
    expect(fresh.enabled).toBe(true);
    expect(fresh.key).toMatch(/^wg_[A-Za-z0-9]{32}$/);
    expect(fresh.key).not.toBe(old.key);
    expect(fresh.key.startsWith(fresh.key_prefix)).toBe(true);
    expect(fresh.key_hash).toBeUndefined();
    expect(fresh.expires_at).toBeUndefined();
    expect(fresh.name).toMatch(/^primary-rotated-\d{14}$/);

    expect(previous.id).toBe(old.id);
    expect(previous.key).toBeUndefined();
    expect(previous.key_hash).toBeUndefined();
    expect(previous.key_prefix).toBe(old.key_prefix);
    const expiry = Date.parse(previous.expires_at);
    expect(expiry).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(expiry).toBeLessThanOrEqual(after + 86_400_000 + 1000);

    // Stored hashed: the store holds the hash of the shown key, never the key.
    const stored = await db.store.get("credentials", fresh.id);
    expect(stored?.key_hash).toBe(hashApiKey(fresh.key));
    expect(JSON.stringify(stored)).not.toContain(fresh.key);

    // Never shown again on reads.
    const read = await api.call("GET", `/admin/credentials/${fresh.id}`);
    expect(read.body.key).toBeUndefined();
    expect(read.body.key_hash).toBeUndefined();
    const list = await api.call("GET", `/admin/credentials?application_id=${old.application_id}`);
    expect(list.body.total).toBe(2);
    expect(JSON.stringify(list.body)).not.toContain(fresh.key);
    expect(JSON.stringify((await api.call("GET", `/admin/credentials/${old.id}`)).body.expires_at)).toBe(JSON.stringify(previous.expires_at));
  });

  test("a given name and overlap; overlap 0 expires the old key now", async () => {
    const old = await credential();
    const res = await rotate(old.id, { name: "next", overlap_seconds: 0 });
    expect(res.status).toBe(201);
    expect(res.body.credential.name).toBe("next");
    expect(Math.abs(Date.parse(res.body.previous.expires_at) - Date.now())).toBeLessThan(2000);
    const with60 = await credential();
    const r60 = await rotate(with60.id, { overlap_seconds: 60 });
    expect(Math.abs(Date.parse(r60.body.previous.expires_at) - (Date.now() + 60_000))).toBeLessThan(2000);
  });

  test("an earlier existing expiry is kept, and not copied to the new key", async () => {
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const old = await credential({ expires_at: soon });
    const res = await rotate(old.id);
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.previous.expires_at)).toBe(Date.parse(soon));
    expect(res.body.credential.expires_at).toBeUndefined();
  });

  test("a later expiry is copied to the new key; the old one ends with the overlap", async () => {
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const old = await credential({ expires_at: later });
    const res = await rotate(old.id, { overlap_seconds: 3600 });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.credential.expires_at)).toBe(Date.parse(later));
    expect(Math.abs(Date.parse(res.body.previous.expires_at) - (Date.now() + 3_600_000))).toBeLessThan(2000);
  });

  test("disabled or expired: 409 invalid_transition and nothing is written", async () => {
    const disabled = await credential({ enabled: false });
    const expired = await credential({ expires_at: new Date(Date.now() - 1000).toISOString() });
    for (const c of [disabled, expired]) {
      const res = await rotate(c.id);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("invalid_transition");
      const after = await api.call("GET", `/admin/credentials/${c.id}`);
      expect(after.body.updated_at).toBe(c.updated_at);
      expect((await api.call("GET", `/admin/credentials?application_id=${c.application_id}`)).body.total).toBe(1);
    }
  });

  test("a name the application already uses: 409 conflict, and the old key is untouched (one transaction)", async () => {
    const old = await credential();
    const res = await rotate(old.id, { name: "primary" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("conflict");
    const after = await api.call("GET", `/admin/credentials/${old.id}`);
    expect(after.body.expires_at).toBeUndefined();
    expect(after.body.updated_at).toBe(old.updated_at);
  });

  test("invalid bodies: 400 validation_failed with the field", async () => {
    const old = await credential();
    for (const [body, path] of [
      [{ overlap_seconds: -1 }, "overlap_seconds"],
      [{ overlap_seconds: 2_592_001 }, "overlap_seconds"],
      [{ overlap_seconds: 1.5 }, "overlap_seconds"],
      [{ overlap_seconds: "60" }, "overlap_seconds"],
      [{ name: "" }, "name"],
      [{ name: "x".repeat(129) }, "name"],
      [{ key: "wg_chosen_by_the_client_0000" }, "key"],
    ] as const) {
      const res = await rotate(old.id, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details[0].path).toBe(path);
    }
    expect((await rotate(old.id, "[1]")).status).toBe(400);
    expect((await rotate(old.id, { overlap_seconds: 2_592_000 })).status).toBe(201);
  });

  test("unknown id: 404; GET: 405; other sub-paths: 404", async () => {
    const missing = await rotate("no-such-credential");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    const old = await credential();
    const get = await api.call("GET", `/admin/credentials/${old.id}/rotate`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await api.call("POST", `/admin/credentials/${old.id}/approve`)).status).toBe(404);
    expect((await api.call("POST", `/admin/applications/${old.application_id}/rotate`)).status).toBe(404);
  });

  test("the generated name fits the 128-character limit", () => {
    const name = rotatedName("n".repeat(128), new Date("2026-01-02T03:04:05Z"));
    expect(name.length).toBe(128);
    expect(name.endsWith("-rotated-20260102030405")).toBe(true);
  });

  test("the OpenAPI document lists the rotate path", async () => {
    const doc = (await (await fetch(`${api.url}/admin/openapi.json`)).json()) as any;
    const op = doc.paths["/admin/credentials/{id}/rotate"].post;
    expect(op.responses["201"].content["application/json"].schema.$ref).toBe("#/components/schemas/CredentialRotated");
    expect(op.responses["409"]).toBeDefined();
    expect(op.requestBody.content["application/json"].schema.properties.overlap_seconds.maximum).toBe(2_592_000);
    expect(doc.components.schemas.CredentialRotated.properties.credential.$ref).toBe("#/components/schemas/CredentialCreated");
  });
});

describe("rotation end to end through the gateway", () => {
  test("both keys work during the overlap; with overlap 0 the old key is 401 credential_expired within 1 s", async () => {
    const up = new FaultUpstream("a");
    up.start();
    const g = await startTestGateway();
    const api = startAdmin(g.store);
    try {
      const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
      const svc = await g.create("services", { name: "keyed", upstream_id: u.id, auth: { mode: "key_auth" } });
      await g.create("routes", { name: "r", service_id: svc.id, paths: ["/k"] });
      const app = await g.create("applications", { name: "client" });
      await g.create("subscriptions", { application_id: app.id, service_id: svc.id, status: "approved" });
      const first = await api.call("POST", "/admin/credentials", { name: "first", application_id: app.id });
      await g.synced();

      const call = async (key: string) => {
        const res = await fetch(`${g.url}/k/x`, { headers: { authorization: `Bearer ${key}` } });
        const text = await res.text();
        return { status: res.status, code: res.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined };
      };
      expect((await call(first.body.key)).status).toBe(200);

      const overlap = await api.call("POST", `/admin/credentials/${first.body.id}/rotate`, { overlap_seconds: 600 });
      expect(overlap.status).toBe(201);
      const second: string = overlap.body.credential.key;
      await waitFor(async () => (await call(second)).status === 200, 1000, "the new key to work");
      expect((await call(first.body.key)).status).toBe(200);

      const cut = await api.call("POST", `/admin/credentials/${overlap.body.credential.id}/rotate`, { overlap_seconds: 0 });
      expect(cut.status).toBe(201);
      const third: string = cut.body.credential.key;
      await waitFor(async () => {
        const r = await call(second);
        return r.status === 401 && r.code === "credential_expired";
      }, 1000, "the rotated key to expire");
      expect((await call(third)).status).toBe(200);
      // The first key's overlap is still running.
      expect((await call(first.body.key)).status).toBe(200);

      // Revocation: disabling a key stops it with invalid_credential.
      expect((await api.call("PATCH", `/admin/credentials/${first.body.id}`, { enabled: false })).status).toBe(200);
      await waitFor(async () => {
        const r = await call(first.body.key);
        return r.status === 401 && r.code === "invalid_credential";
      }, 1000, "revocation to take effect");
      expect((await call(third)).status).toBe(200);
    } finally {
      await api.stop();
      await g.stop();
      up.stop();
    }
  });
});
