/**
 * JWT credentials through the admin API and the configuration file: HMAC
 * secrets sealed at rest and never returned, public keys checked on write,
 * settings validated with field paths, and API keys left exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { applyConfig } from "../../src/config/file/apply.ts";
import { exportConfig, jwtSecretEnvName } from "../../src/config/file/export.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import { rotateSecrets } from "../../src/control/rotate-secrets.ts";
import { SecretBox } from "../../src/core/secrets.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";
import { TEST_SECRETS } from "../support/gateway.ts";
import { keyPair } from "../support/jwt.ts";
import { type AdminServer, startAdmin } from "./fixture.ts";

const SECRET = "hmac-secret-that-is-long-enough-0001";

describe("admin API", () => {
  let store: Store;
  let api: AdminServer;
  let bare: AdminServer;
  let appId: string;

  beforeAll(async () => {
    store = await openStore("sqlite::memory:");
    api = startAdmin(store, () => [], TEST_SECRETS);
    bare = startAdmin(store);
    appId = (await api.call("POST", "/admin/applications", { name: "app" })).body.id;
  });
  afterAll(async () => {
    await api.stop();
    await bare.stop();
    await store.close();
  });

  const create = (name: string, jwt: Record<string, unknown>, via = api) => via.call("POST", "/admin/credentials", { name, application_id: appId, kind: "jwt", jwt });

  test("an HMAC secret is sealed, shown only as a hint, and never returned", async () => {
    const res = await create("hs", { issuer: "iss-hs", algorithms: ["HS256"], keys: [{ kid: "k1", secret: SECRET }] });
    expect(res.status).toBe(201);
    expect(res.body.key).toBeUndefined();
    expect(res.body.key_hash).toBeUndefined();
    expect(res.body.jwt.keys).toEqual([{ kid: "k1", secret_hint: "****0001" }]);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    const read = await api.call("GET", `/admin/credentials/${res.body.id}`);
    expect(JSON.stringify(read.body)).not.toContain(SECRET);
    expect(JSON.stringify(read.body)).not.toContain("secret_enc");
    const stored = (await store.get("credentials", res.body.id))!;
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(TEST_SECRETS.decrypt(stored.jwt!.keys[0]!.secret_enc!)).toBe(SECRET);
  });

  test("a PATCH that leaves the keys alone keeps the secret; a new secret replaces it", async () => {
    const { body } = await create("hs-patch", { issuer: "iss-patch", algorithms: ["HS256"], keys: [{ secret: SECRET }] });
    const before = (await store.get("credentials", body.id))!.jwt!.keys[0]!.secret_enc;
    const patched = await api.call("PATCH", `/admin/credentials/${body.id}`, { enabled: false, jwt: { audiences: ["api"] } });
    expect(patched.status).toBe(200);
    expect(patched.body.jwt.audiences).toEqual(["api"]);
    expect((await store.get("credentials", body.id))!.jwt!.keys[0]!.secret_enc).toBe(before);
    // A read sent back as it is (with its hint) keeps the secret too.
    const echoed = await api.call("PUT", `/admin/credentials/${body.id}`, (await api.call("GET", `/admin/credentials/${body.id}`)).body);
    expect(echoed.status).toBe(200);
    expect((await store.get("credentials", body.id))!.jwt!.keys[0]!.secret_enc).toBe(before);
    const replaced = await api.call("PATCH", `/admin/credentials/${body.id}`, { jwt: { keys: [{ secret: `${SECRET}-new` }] } });
    expect(replaced.status).toBe(200);
    expect(TEST_SECRETS.decrypt((await store.get("credentials", body.id))!.jwt!.keys[0]!.secret_enc!)).toBe(`${SECRET}-new`);
  });

  test("public keys are stored and returned as given", async () => {
    const rsa = await keyPair("RS256");
    const es = await keyPair("ES256");
    const res = await create("pk", { issuer: "iss-pk", audiences: ["waygate"], algorithms: ["RS256", "ES256"], keys: [{ kid: "r", pem: rsa.pem }, { kid: "e", jwk: es.jwk }] });
    expect(res.status).toBe(201);
    expect(res.body.jwt.keys).toEqual([{ kid: "r", pem: rsa.pem }, { kid: "e", jwk: es.jwk }]);
    expect(res.body.jwt).toMatchObject({ clock_tolerance_seconds: 30, require_expiry: true, jwks_cache_seconds: 600, jwks_cooldown_seconds: 30 });
  });

  test("invalid settings are 400 validation_failed naming the field", async () => {
    const rsa = await keyPair("RS256");
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ issuer: "x", algorithms: ["RS256"] }, "jwt.keys"],
      [{ issuer: "x", algorithms: ["none"], keys: [{ pem: rsa.pem }] }, "jwt.algorithms.0"],
      [{ issuer: "x", algorithms: ["HS256", "RS256"], keys: [{ secret: SECRET }] }, "jwt.algorithms"],
      [{ issuer: "x", algorithms: ["HS256"], keys: [{ pem: rsa.pem }] }, "jwt.keys.0"],
      [{ issuer: "x", algorithms: ["RS256"], keys: [{ secret: SECRET }] }, "jwt.keys.0"],
      [{ issuer: "x", algorithms: ["HS256"], jwks_url: "https://idp.test/jwks" }, "jwt.jwks_url"],
      [{ issuer: "x", algorithms: ["HS512"], keys: [{ secret: SECRET }] }, "jwt.keys.0.secret"],
      [{ issuer: "x", algorithms: ["RS256"], keys: [{ pem: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----" }] }, "jwt.keys.0.pem"],
      [{ issuer: "x", algorithms: ["RS256"], keys: [{ pem: "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----" }] }, "jwt.keys.0.pem"],
      [{ issuer: "x", algorithms: ["ES256"], keys: [{ jwk: { kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" } }] }, "jwt.keys.0.jwk"],
      [{ issuer: "x", algorithms: ["HS256"], keys: [{ kid: "never-stored" }] }, "jwt.keys.0.secret"],
    ];
    for (const [jwt, path] of cases) {
      const res = await create(`bad-${path.replaceAll(".", "-")}`, jwt);
      expect({ path, status: res.status, code: res.body.error.code }).toEqual({ path, status: 400, code: "validation_failed" });
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const noJwt = await api.call("POST", "/admin/credentials", { name: "no-jwt", application_id: appId, kind: "jwt" });
    expect(noJwt.status).toBe(400);
    expect(noJwt.body.error.details).toContainEqual({ path: "jwt", message: "a jwt credential needs its jwt settings" });
  });

  test("two credentials claiming exactly the same tokens conflict; a required claim tells them apart", async () => {
    const es = await keyPair("ES256");
    const jwt = { issuer: "iss-dup", algorithms: ["ES256"], keys: [{ pem: es.pem }] };
    expect((await create("dup-1", jwt)).status).toBe(201);
    expect((await create("dup-2", jwt)).status).toBe(409);
    expect((await create("dup-3", { ...jwt, claims: { azp: "web" } })).status).toBe(201);
  });

  test("without a master key an HMAC secret is refused with secrets_unavailable", async () => {
    const res = await create("no-box", { issuer: "iss-nobox", algorithms: ["HS256"], keys: [{ secret: SECRET }] }, bare);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("secrets_unavailable");
  });

  test("API key credentials are unchanged: a generated key shown once, kind api_key", async () => {
    const res = await api.call("POST", "/admin/credentials", { name: "plain", application_id: appId });
    expect(res.status).toBe(201);
    expect(res.body.kind).toBe("api_key");
    expect(res.body.key).toMatch(/^wg_/);
    expect(res.body.jwt).toBeUndefined();
    const patched = await api.call("PATCH", `/admin/credentials/${res.body.id}`, { enabled: false });
    expect(patched.body.key_prefix).toBe(res.body.key_prefix);
    expect((await api.call("POST", "/admin/credentials", { name: "mixed", application_id: appId, kind: "api_key", jwt: { issuer: "x", algorithms: ["HS256"], keys: [] } })).status).toBe(400);
  });

  test("master key rotation re-encrypts JWT secrets", async () => {
    const next = new SecretBox(Buffer.alloc(32, 7));
    const summary = await rotateSecrets(store, TEST_SECRETS, next);
    expect(summary.credentials).toBeGreaterThanOrEqual(2);
    const { items } = await store.list("credentials", { limit: 1000 });
    for (const c of items) for (const k of c.jwt?.keys ?? []) if (k.secret_enc) expect(() => next.decrypt(k.secret_enc!)).not.toThrow();
    await rotateSecrets(store, next, TEST_SECRETS);
  });

  test("the OpenAPI document describes jwt credentials without secrets in reads", async () => {
    const doc = (await api.call("GET", "/admin/openapi.json")).body;
    const read = doc.components.schemas.Credential.properties.jwt;
    expect(JSON.stringify(read)).not.toContain('"secret"');
    expect(JSON.stringify(doc.components.schemas.CredentialInput)).toContain("jwks_url");
  });
});

describe("configuration file", () => {
  const yaml = (secret: string) => `
version: 1
services:
  - name: api
    auth: { mode: jwt, locations: [bearer, { query: token }] }
    routes: [{ name: api, paths: [/api] }]
applications:
  - name: mobile
    credentials:
      - name: idp
        kind: jwt
        jwt:
          issuer: https://idp.example.test
          audiences: [waygate]
          algorithms: [HS256]
          keys: [{ kid: main, secret: "${secret}" }]
    subscriptions: [api]
`;

  test("apply seals the secret, a second apply changes nothing, export names it by variable", async () => {
    const store = await openStore("sqlite::memory:");
    try {
      const parsed = validateConfig(yaml("${JWT_SECRET}"), { JWT_SECRET: SECRET });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      expect((await applyConfig(store, parsed.config, { secrets: TEST_SECRETS })).changed).toBe(true);
      const stored = (await store.list("credentials", { limit: 10 })).items[0]!;
      expect(stored.kind).toBe("jwt");
      expect(TEST_SECRETS.decrypt(stored.jwt!.keys[0]!.secret_enc!)).toBe(SECRET);
      expect((await applyConfig(store, parsed.config, { secrets: TEST_SECRETS })).changed).toBe(false);
      const service = (await store.list("services", { limit: 10 })).items[0]!;
      expect(service.auth).toEqual({ mode: "jwt", locations: ["bearer", { query: "token" }], hide_credentials: true });

      const exported = await exportConfig(store);
      expect(exported).not.toContain(SECRET);
      const variable = jwtSecretEnvName("mobile", "idp", "main");
      expect(exported).toContain(`\${${variable}}`);
      const again = validateConfig(exported, { [variable]: SECRET });
      if (!again.ok) throw new Error(JSON.stringify(again.errors));
      expect((await applyConfig(store, again.config, { secrets: TEST_SECRETS })).changed).toBe(false);
    } finally {
      await store.close();
    }
  });

  test("a jwt credential with key_hash, or without jwt settings, is refused with its path", () => {
    const withHash = validateConfig(yaml(SECRET).replace("kind: jwt", `kind: jwt\n        key_hash: ${"a".repeat(64)}`), {});
    expect(withHash.ok).toBe(false);
    const noSettings = validateConfig(
      `version: 1\napplications:\n  - name: a\n    credentials:\n      - { name: c, kind: jwt }\n`,
      {},
    );
    expect(noSettings.ok).toBe(false);
    if (!noSettings.ok) expect(noSettings.errors.map((e) => e.path).join()).toContain("applications[0].credentials[0].jwt");
  });
});
