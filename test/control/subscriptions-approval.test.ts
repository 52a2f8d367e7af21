import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subscription } from "../../src/config/entities.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, waitFor } from "../support/gateway.ts";
import { sqliteBackend } from "../store/backends.ts";
import { type AdminServer, startAdmin } from "./fixture.ts";
import type { FreshStore } from "./admin.case.ts";

describe("subscription approval over the admin API (sqlite)", () => {
  let db: FreshStore;
  let api: AdminServer;
  let appN = 0;

  beforeAll(async () => {
    db = await sqliteBackend.fresh();
    api = startAdmin(db.store);
    expect((await api.call("POST", "/admin/services", { name: "open-svc" })).body.subscription_approval).toBe("auto");
    expect((await api.call("POST", "/admin/services", { name: "gated-svc", subscription_approval: "manual" })).status).toBe(201);
  });
  afterAll(async () => {
    await api.stop();
    await db.dispose();
  });

  /** A fresh application subscribed to the service, as the API creates it. */
  async function subscribe(service: string, extra: Record<string, unknown> = {}): Promise<Subscription> {
    const app = await api.call("POST", "/admin/applications", { name: `app-${++appN}` });
    const res = await api.call("POST", "/admin/subscriptions", { application_id: app.body.id, service_id: service, ...extra });
    expect(res.status).toBe(201);
    return res.body as Subscription;
  }

  async function act(id: string, action: string, body?: unknown) {
    return api.call("POST", `/admin/subscriptions/${id}/${action}`, body);
  }

  /** A subscription brought to `status` through the allowed actions. */
  async function inStatus(status: Subscription["status"]): Promise<Subscription> {
    if (status === "approved") return subscribe("open-svc");
    const sub = await subscribe("gated-svc");
    if (status === "pending") return sub;
    if (status === "rejected") return (await act(sub.id, "reject", { reason: "no" })).body;
    if (status === "cancelled") return (await act(sub.id, "cancel")).body;
    const approved = await subscribe("open-svc");
    return (await act(approved.id, "revoke")).body;
  }

  test("an auto service approves at once; a manual one starts pending; a client-sent status is ignored", async () => {
    const auto = await subscribe("open-svc", { status: "pending" });
    expect(auto.status).toBe("approved");
    expect(Number.isNaN(Date.parse(auto.decided_at ?? ""))).toBe(false);

    const manual = await subscribe("gated-svc", { status: "approved", reason: "trust me", decided_at: "2020-01-01T00:00:00Z" });
    expect(manual.status).toBe("pending");
    expect(manual.reason).toBeUndefined();
    expect(manual.decided_at).toBeUndefined();
    expect((await api.call("GET", `/admin/subscriptions/${manual.id}`)).body.status).toBe("pending");
  });

  test("approve: pending → approved, with decided_at", async () => {
    const sub = await subscribe("gated-svc");
    const res = await act(sub.id, "approve");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sub.id, status: "approved" });
    expect(Date.parse(res.body.decided_at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await api.call("GET", `/admin/subscriptions/${sub.id}`)).body.status).toBe("approved");
  });

  test("reject: pending → rejected with its reason; without a reason 400 and nothing changes", async () => {
    const sub = await subscribe("gated-svc");
    const missing = await act(sub.id, "reject", {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("validation_failed");
    expect(missing.body.error.details[0].path).toBe("reason");
    expect((await act(sub.id, "reject")).status).toBe(400);
    expect((await act(sub.id, "reject", { reason: "" })).status).toBe(400);
    expect((await act(sub.id, "reject", { reason: "x".repeat(2001) })).status).toBe(400);
    expect((await api.call("GET", `/admin/subscriptions/${sub.id}`)).body.status).toBe("pending");

    const res = await act(sub.id, "reject", { reason: "not a customer" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "rejected", reason: "not a customer" });
    expect(typeof res.body.decided_at).toBe("string");
  });

  test("cancel: pending → cancelled and approved → cancelled", async () => {
    const pending = await subscribe("gated-svc");
    expect((await act(pending.id, "cancel")).body.status).toBe("cancelled");
    const approved = await subscribe("open-svc");
    const res = await act(approved.id, "cancel", { reason: "moving away" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "cancelled", reason: "moving away" });
  });

  test("revoke: approved → revoked, with an optional reason", async () => {
    const plain = await subscribe("open-svc");
    const res = await act(plain.id, "revoke");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("revoked");
    expect(res.body.reason).toBeUndefined();
    const withReason = await subscribe("open-svc");
    expect((await act(withReason.id, "revoke", { reason: "abuse" })).body).toMatchObject({ status: "revoked", reason: "abuse" });
  });

  const ALLOWED: Record<string, readonly Subscription["status"][]> = {
    approve: ["pending"],
    reject: ["pending"],
    cancel: ["pending", "approved"],
    revoke: ["approved"],
  };
  const STATUSES = ["pending", "approved", "rejected", "cancelled", "revoked"] as const;

  for (const [action, allowed] of Object.entries(ALLOWED)) {
    for (const status of STATUSES.filter((s) => !allowed.includes(s))) {
      test(`${action} from ${status}: 409 invalid_transition, status unchanged`, async () => {
        const sub = await inStatus(status);
        expect(sub.status).toBe(status);
        const res = await act(sub.id, action, { reason: "because" });
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe("invalid_transition");
        const after = (await api.call("GET", `/admin/subscriptions/${sub.id}`)).body;
        expect(after.status).toBe(status);
        expect(after.updated_at).toBe(sub.updated_at);
      });
    }
  }

  test("unknown id: 404; unknown action: 404; GET on an action: 405", async () => {
    const res = await act("no-such-sub", "approve");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    const sub = await subscribe("gated-svc");
    expect((await act(sub.id, "promote")).status).toBe(404);
    expect((await api.call("POST", `/admin/services/gated-svc/approve`)).status).toBe(404);
    const get = await api.call("GET", `/admin/subscriptions/${sub.id}/approve`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  test("a body that is not a JSON object is refused", async () => {
    const sub = await subscribe("gated-svc");
    expect((await act(sub.id, "approve", "[1]")).status).toBe(400);
    const wrongType = await api.call("POST", `/admin/subscriptions/${sub.id}/approve`, "reason=x", { "content-type": "text/plain" });
    expect(wrongType.status).toBe(415);
    expect((await api.call("GET", `/admin/subscriptions/${sub.id}`)).body.status).toBe("pending");
  });

  test("the OpenAPI document lists the four actions", async () => {
    const doc = (await (await fetch(`${api.url}/admin/openapi.json`)).json()) as any;
    for (const action of ["approve", "reject", "cancel", "revoke"]) {
      const op = doc.paths[`/admin/subscriptions/{id}/${action}`].post;
      expect(op.responses["200"]).toBeDefined();
      expect(op.responses["409"]).toBeDefined();
    }
    expect(doc.components.schemas.ServiceInput.properties.subscription_approval.enum).toEqual(["auto", "manual"]);
  });
});

describe("approval end to end through the gateway", () => {
  test("pending → 403 subscription_pending; approve → 200 within 1 s; revoke → 403 subscription_required within 1 s", async () => {
    const up = new FaultUpstream("a");
    up.start();
    const g = await startTestGateway();
    const api = startAdmin(g.store);
    try {
      const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
      const svc = await g.create("services", { name: "gated", upstream_id: u.id, auth: { mode: "key_auth" }, subscription_approval: "manual" });
      await g.create("routes", { name: "r", service_id: svc.id, paths: ["/g"] });
      const app = await g.create("applications", { name: "subscriber" });
      const { key } = await g.apiKey(app.id);
      const created = await api.call("POST", "/admin/subscriptions", { application_id: app.id, service_id: svc.id });
      expect(created.body.status).toBe("pending");
      await g.synced();

      const call = async () => {
        const res = await fetch(`${g.url}/g/x`, { headers: { "x-api-key": key } });
        const text = await res.text();
        return { status: res.status, code: res.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined };
      };
      expect(await call()).toEqual({ status: 403, code: "subscription_pending" });

      expect((await api.call("POST", `/admin/subscriptions/${created.body.id}/approve`)).status).toBe(200);
      await waitFor(async () => (await call()).status === 200, 1000, "approval to take effect");

      expect((await api.call("POST", `/admin/subscriptions/${created.body.id}/revoke`, { reason: "abuse" })).status).toBe(200);
      await waitFor(async () => {
        const r = await call();
        return r.status === 403 && r.code === "subscription_required";
      }, 1000, "revocation to take effect");
    } finally {
      await api.stop();
      await g.stop();
      up.stop();
    }
  });
});
