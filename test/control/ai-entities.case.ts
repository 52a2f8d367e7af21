/**
 * The AI kinds through the admin API, on every store backend: providers
 * with write-only secrets, virtual models, model overrides.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdminHandler } from "../../src/control/handler.ts";
import { SecretBox } from "../../src/core/secrets.ts";
import type { Store } from "../../src/store/store.ts";
import type { FreshStore } from "./admin.case.ts";
import { type AdminServer, TOKEN, startAdmin } from "./fixture.ts";

const SECRET = "sk-live-0123456789abcdefWXYZ";
const TOKEN_CLEAR = "aws-session-token-value-9876";

export function aiEntitiesSuite(backend: string, fresh: () => Promise<FreshStore>): void {
  describe(`admin API: AI kinds (${backend})`, () => {
    let db: FreshStore;
    let store: Store;
    let api: AdminServer;
    const box = new SecretBox(Buffer.alloc(32, 9));

    beforeAll(async () => {
      db = await fresh();
      store = db.store;
      api = startAdmin(store, () => [], box);
    });
    afterAll(async () => {
      await api.stop();
      await db.dispose();
    });

    /** Every response body, as text, must never contain a secret or its ciphertext. */
    function expectNoSecrets(body: unknown): void {
      const text = JSON.stringify(body);
      for (const s of [SECRET, TOKEN_CLEAR, "secret_enc", "session_token_enc", '"secret"', '"session_token"']) expect(text).not.toContain(s);
    }

    test("a provider's secret is stored encrypted and never returned", async () => {
      await api.call("POST", "/admin/teams", { name: "ml" });
      const created = await api.call("POST", "/admin/providers", {
        name: "openai-main",
        kind: "openai",
        team_id: "ml",
        keys: [{ name: "primary", secret: SECRET }, { name: "backup", secret: "sk-backup-key-000011112222", weight: 10 }],
      });
      expect(created.status).toBe(201);
      expectNoSecrets(created.body);
      expect(created.body.keys).toEqual([
        { name: "primary", weight: 100, enabled: true, secret_hint: "****WXYZ" },
        { name: "backup", weight: 10, enabled: true, secret_hint: "****2222" },
      ]);
      expect(created.body.timeouts.ttfb_ms).toBe(120_000);
      const team = await api.call("GET", "/admin/teams/ml");
      expect(created.body.team_id).toBe(team.body.id);

      for (const path of ["/admin/providers", "/admin/providers/openai-main", `/admin/providers/${created.body.id}`, "/admin/providers?team_id=ml"]) {
        const read = await api.call("GET", path);
        expect(read.status).toBe(200);
        expectNoSecrets(read.body);
      }
      const stored = await store.getByName("providers", "openai-main");
      const primary = stored!.keys[0]!;
      expect(primary.secret_enc).toMatch(/^v1:/);
      expect(primary.secret_enc).not.toContain(SECRET);
      expect(box.decrypt(primary.secret_enc!)).toBe(SECRET);
    });

    test("an update without a key's secret keeps it; a new secret replaces it; echoed hints are ignored", async () => {
      const before = (await store.getByName("providers", "openai-main"))!;
      const read = await api.call("GET", "/admin/providers/openai-main");
      // A client PUTs back what it read, with one change.
      const put = await api.call("PUT", "/admin/providers/openai-main", { ...read.body, base_url: "https://proxy.example/v1" });
      expect(put.status).toBe(200);
      expectNoSecrets(put.body);
      let after = (await store.getByName("providers", "openai-main"))!;
      expect(after.base_url).toBe("https://proxy.example/v1");
      expect(after.keys.map((k) => k.secret_enc)).toEqual(before.keys.map((k) => k.secret_enc));

      const patched = await api.call("PATCH", "/admin/providers/openai-main", { keys: [{ name: "primary" }, { name: "backup", secret: "sk-rotated-secret-99998888" }] });
      expect(patched.status).toBe(200);
      expect(patched.body.keys.map((k: { secret_hint: string }) => k.secret_hint)).toEqual(["****WXYZ", "****8888"]);
      after = (await store.getByName("providers", "openai-main"))!;
      expect(after.keys[0]!.secret_enc).toBe(before.keys[0]!.secret_enc!);
      expect(box.decrypt(after.keys[1]!.secret_enc!)).toBe("sk-rotated-secret-99998888");

      const renamed = await api.call("PATCH", "/admin/providers/openai-main", { keys: [{ name: "renamed" }] });
      expect(renamed.status).toBe(200);
      expect(renamed.body.keys).toEqual([{ name: "renamed", weight: 100, enabled: true }]);
    });

    test("Bedrock keys: access key id is visible, secret and session token are not", async () => {
      const res = await api.call("POST", "/admin/providers", {
        name: "bedrock-east",
        kind: "bedrock",
        region: "us-east-1",
        keys: [{ name: "ci", access_key_id: "AKIAEXAMPLE", secret: SECRET, session_token: TOKEN_CLEAR }],
      });
      expect(res.status).toBe(201);
      expectNoSecrets(res.body);
      expect(res.body.keys[0].access_key_id).toBe("AKIAEXAMPLE");
      const stored = (await store.getByName("providers", "bedrock-east"))!.keys[0]!;
      expect(box.decrypt(stored.session_token_enc!)).toBe(TOKEN_CLEAR);
      // Without a new secret the session token stays; with a new secret only the token sent with it counts.
      await api.call("PATCH", "/admin/providers/bedrock-east", { region: "us-west-2" });
      expect((await store.getByName("providers", "bedrock-east"))!.keys[0]!.session_token_enc).toBe(stored.session_token_enc!);
      await api.call("PATCH", "/admin/providers/bedrock-east", { keys: [{ name: "ci", access_key_id: "AKIAEXAMPLE", secret: "new-secret-access-key-0000" }] });
      expect((await store.getByName("providers", "bedrock-east"))!.keys[0]!.session_token_enc).toBeUndefined();
    });

    test("without a master key, a provider secret is refused with secrets_unavailable", async () => {
      const handler = createAdminHandler({ store, adminToken: TOKEN });
      const post = (body: unknown) =>
        handler(new Request("http://admin.test/admin/providers", { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) }));
      const refused = await post({ name: "no-box", kind: "anthropic", keys: [{ name: "k", secret: SECRET }] });
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { error: { code: string; details: { path: string }[] } };
      expect(body.error.code).toBe("secrets_unavailable");
      expect(body.error.details.map((d) => d.path)).toEqual(["keys.0.secret"]);
      expect(await store.getByName("providers", "no-box")).toBeNull();
      // A keyless provider (a local server) needs no master key.
      const keyless = await post({ name: "ollama", kind: "openai_compatible", base_url: "http://127.0.0.1:11434/v1" });
      expect(keyless.status).toBe(201);
    });

    test("validation names the field; names are unique", async () => {
      const bad = await api.call("POST", "/admin/providers", { name: "x", kind: "not-a-kind" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: { path: string }) => d.path)).toContain("kind");
      const dup = await api.call("POST", "/admin/providers", { name: "openai-main", kind: "openai" });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe("conflict");
    });

    test("virtual models and model overrides: CRUD by name, references by name", async () => {
      const route = { type: "fallback", targets: [{ type: "target", provider: "openai-main", model: "gpt-4o" }, { type: "target", provider: "bedrock-east", model: "anthropic.claude-3-5-sonnet-20240620-v1:0" }] };
      const vm = await api.call("POST", "/admin/virtual_models", { name: "chat-default", team_id: "ml", route });
      expect(vm.status).toBe(201);
      expect(vm.body.route).toEqual(route);
      expect((await api.call("GET", "/admin/virtual_models/chat-default")).body.id).toBe(vm.body.id);
      const badTree = await api.call("POST", "/admin/virtual_models", { name: "broken", route: { type: "fallback", targets: [] } });
      expect(badTree.status).toBe(400);
      const patched = await api.call("PATCH", "/admin/virtual_models/chat-default", { description: "default chat" });
      expect(patched.body).toMatchObject({ description: "default chat", route });

      const ov = await api.call("POST", "/admin/model_overrides", { name: "openai/gpt-4o", input_per_mtok: 2 });
      expect(ov.status).toBe(201);
      // Names with a slash are addressed percent-encoded.
      const got = await api.call("GET", `/admin/model_overrides/${encodeURIComponent("openai/gpt-4o")}`);
      expect(got.body).toMatchObject({ name: "openai/gpt-4o", input_per_mtok: 2 });
      expect((await api.call("GET", "/admin/model_overrides?name=openai/gpt-4o")).body.total).toBe(1);
      const teamDelete = await api.call("DELETE", "/admin/teams/ml");
      expect(teamDelete.status).toBe(409);
      expect((await api.call("DELETE", `/admin/model_overrides/${ov.body.id}`)).status).toBe(200);
      expect((await api.call("DELETE", "/admin/virtual_models/chat-default")).status).toBe(200);
    });

    test("the OpenAPI document covers the AI kinds without secret fields in reads", async () => {
      const doc = (await (await fetch(`${api.url}/admin/openapi.json`)).json()) as any;
      for (const kind of ["providers", "virtual_models", "model_overrides"]) {
        expect(Object.keys(doc.paths[`/admin/${kind}`]).sort()).toEqual(["get", "post"]);
        expect(Object.keys(doc.paths[`/admin/${kind}/{id}`]).sort()).toEqual(["delete", "get", "parameters", "patch", "put"]);
      }
      const readKey = doc.components.schemas.Provider.properties.keys.items.properties;
      expect(readKey.secret).toBeUndefined();
      expect(readKey.session_token).toBeUndefined();
      expect(readKey.secret_hint).toBeDefined();
      expect(doc.components.schemas.ProviderInput.properties.keys.items.properties.secret).toBeDefined();
      expect(doc.components.schemas.VirtualModelInput.required).toContain("route");
      expect(doc.components.schemas.ModelOverride.properties.input_per_mtok).toBeDefined();
      expect(doc.paths["/admin/providers"].post.description).toContain("write-only");
      expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain("secrets_unavailable");
    });
  });
}
