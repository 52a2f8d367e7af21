/**
 * JWT credentials through a running gateway: every algorithm family, every
 * way a token can be wrong, the subscription rules, and a JWKS that rotates
 * its keys without being fetched on every request.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Application, Service } from "../../src/config/entities.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";
import { hmacKey, JwksServer, jwtCredential, type KeyPair, keyPair, sign, tampered, unsecured } from "../support/jwt.ts";

let g: TestGateway;
const up = new FaultUpstream("jwt");
const jwks = new JwksServer();
let svc: Service;
let app: Application;
let rsa: KeyPair;
let otherRsa: KeyPair;
const ISS = "https://idp.example.test";
const HS_SECRET = "a-shared-secret-of-at-least-32-bytes!!";

beforeAll(async () => {
  up.start();
  jwks.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  svc = await g.create("services", { name: "jwt-only", upstream_id: u.id, auth: { mode: "jwt" } });
  await g.create("routes", { name: "j", service_id: svc.id, paths: ["/j"] });
  const either = await g.create("services", { name: "either", upstream_id: u.id, auth: { mode: "key_or_jwt" } });
  await g.create("routes", { name: "e", service_id: either.id, paths: ["/e"] });

  rsa = await keyPair("RS256");
  otherRsa = await keyPair("RS256");
  app = await g.create("applications", { name: "idp-app" });
  await g.create("subscriptions", { application_id: app.id, service_id: svc.id });
  await g.create("subscriptions", { application_id: app.id, service_id: either.id });
  await jwtCredential(g.store, app.id, "idp", { issuer: ISS, audiences: ["waygate"], algorithms: ["RS256"], keys: [{ kid: "k1", pem: rsa.pem }] });

  const hsApp = await g.create("applications", { name: "hs-app" });
  await g.create("subscriptions", { application_id: hsApp.id, service_id: svc.id });
  await jwtCredential(g.store, hsApp.id, "shared", { issuer: "hs-issuer", algorithms: ["HS256"], keys: [{ secret: HS_SECRET }] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
  await jwks.stop();
});

async function call(path: string, token?: string, headers: Record<string, string> = {}) {
  const before = up.seen.length;
  const res = await fetch(g.url + path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  const text = await res.text();
  const code = res.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
  return { status: res.status, code, reachedUpstream: up.seen.length > before, res };
}

const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISS, aud: "waygate", sub: "user-1", ...extra });
const good = (extra: Record<string, unknown> = {}) => sign(rsa.privateKey, claims(extra), { alg: "RS256", kid: "k1", expiresIn: 300 });

test("a valid token reaches the upstream without itself, and the call record names the application", async () => {
  const token = await good();
  const r = await call("/j/x", token);
  expect(r.status).toBe(200);
  const seen = up.seen.at(-1)!;
  expect(seen.headers.authorization).toBeUndefined();
  expect(JSON.stringify(seen)).not.toContain(token.split(".")[2]!);
  const rec = await g.record(r.res.headers.get("x-request-id")!);
  expect(rec.application_id).toBe(app.id);
  expect(rec.credential_id).toBeTruthy();
});

test("HS256 with a sealed shared secret", async () => {
  const token = await sign(hmacKey(HS_SECRET), { iss: "hs-issuer" }, { alg: "HS256", expiresIn: 60 });
  expect((await call("/j/x", token)).status).toBe(200);
  const wrong = await sign(hmacKey("another-secret-that-is-32-bytes-long!"), { iss: "hs-issuer" }, { alg: "HS256", expiresIn: 60 });
  expect(await call("/j/x", wrong)).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
});

test("missing token: 401 unauthorized; not a JWT: 401 invalid_credential", async () => {
  expect(await call("/j/x")).toMatchObject({ status: 401, code: "unauthorized", reachedUpstream: false });
  expect(await call("/j/x", "wg_not_a_jwt_at_all_0000")).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
});

describe("refused tokens never reach the upstream", () => {
  const refused = async (token: string, code = "invalid_credential") => {
    expect(await call("/j/x", token)).toMatchObject({ status: 401, code, reachedUpstream: false });
  };

  test("alg none", async () => {
    await refused(unsecured({ ...claims(), exp: Math.floor(Date.now() / 1000) + 300 }));
  });

  test("an algorithm the credential does not allow (RS384 with the right key)", async () => {
    const rs384 = await keyPair("RS384");
    await refused(await sign(rs384.privateKey, claims(), { alg: "RS384", kid: "k1", expiresIn: 300 }));
  });

  test("HS256 signed with the RSA public key as the secret (algorithm confusion)", async () => {
    await refused(await sign(hmacKey(rsa.pem), claims(), { alg: "HS256", kid: "k1", expiresIn: 300 }));
  });

  test("wrong audience", async () => {
    await refused(await good({ aud: "someone-else" }));
  });

  test("wrong issuer", async () => {
    await refused(await sign(rsa.privateKey, claims({ iss: "https://evil.example.test" }), { alg: "RS256", kid: "k1", expiresIn: 300 }));
  });

  test("expired, beyond the clock tolerance", async () => {
    await refused(await sign(rsa.privateKey, claims(), { alg: "RS256", kid: "k1", expiresIn: -120 }), "credential_expired");
  });

  test("expired a moment ago is still inside the default 30 s tolerance", async () => {
    expect((await call("/j/x", await sign(rsa.privateKey, claims(), { alg: "RS256", kid: "k1", expiresIn: -5 }))).status).toBe(200);
  });

  test("not yet valid (nbf in the future)", async () => {
    await refused(await sign(rsa.privateKey, claims(), { alg: "RS256", kid: "k1", expiresIn: 600, notBefore: 300 }));
  });

  test("no expiry while the credential requires one", async () => {
    await refused(await sign(rsa.privateKey, claims(), { alg: "RS256", kid: "k1" }));
  });

  test("signed by another key", async () => {
    await refused(await sign(otherRsa.privateKey, claims(), { alg: "RS256", kid: "k1", expiresIn: 300 }));
  });

  test("tampered payload", async () => {
    const token = await good();
    await refused(tampered(token, { ...claims({ sub: "admin" }), exp: Math.floor(Date.now() / 1000) + 300 }));
  });
});

test("ES256 (JWK), PS256 (PEM), EdDSA and HS512 credentials each verify their own tokens", async () => {
  const cases: Array<{ alg: string; key: (k: KeyPair) => Record<string, unknown> }> = [
    { alg: "ES256", key: (k) => ({ jwk: k.jwk }) },
    { alg: "ES384", key: (k) => ({ pem: k.pem }) },
    { alg: "PS256", key: (k) => ({ pem: k.pem }) },
    { alg: "EdDSA", key: (k) => ({ jwk: k.jwk }) },
  ];
  const tokens: Array<{ alg: string; token: string }> = [];
  for (const c of cases) {
    const pair = await keyPair(c.alg);
    const a = await g.create("applications", { name: `app-${c.alg.toLowerCase()}` });
    await g.create("subscriptions", { application_id: a.id, service_id: svc.id });
    await jwtCredential(g.store, a.id, "k", { issuer: `iss-${c.alg}`, algorithms: [c.alg], keys: [c.key(pair)] });
    tokens.push({ alg: c.alg, token: await sign(pair.privateKey, { iss: `iss-${c.alg}` }, { alg: c.alg, expiresIn: 60 }) });
  }
  const hsApp = await g.create("applications", { name: "app-hs512" });
  await g.create("subscriptions", { application_id: hsApp.id, service_id: svc.id });
  const secret = "s".repeat(64);
  await jwtCredential(g.store, hsApp.id, "k", { issuer: "iss-HS512", algorithms: ["HS512"], keys: [{ secret }] });
  tokens.push({ alg: "HS512", token: await sign(hmacKey(secret), { iss: "iss-HS512" }, { alg: "HS512", expiresIn: 60 }) });
  await g.synced();
  for (const t of tokens) expect({ alg: t.alg, status: (await call("/j/x", t.token)).status }).toEqual({ alg: t.alg, status: 200 });
});

test("applications sharing an issuer are told apart by their required claims", async () => {
  const shared = await keyPair("ES256");
  const ids: string[] = [];
  for (const client of ["mobile", "web"]) {
    const a = await g.create("applications", { name: `client-${client}` });
    await g.create("subscriptions", { application_id: a.id, service_id: svc.id });
    await jwtCredential(g.store, a.id, "idp", { issuer: "https://corp-idp.test", algorithms: ["ES256"], keys: [{ pem: shared.pem }], claims: { azp: client } });
    ids.push(a.id);
  }
  await g.synced();
  for (const [i, client] of ["mobile", "web"].entries()) {
    const r = await call("/j/x", await sign(shared.privateKey, { iss: "https://corp-idp.test", azp: client }, { alg: "ES256", expiresIn: 60 }));
    expect(r.status).toBe(200);
    expect((await g.record(r.res.headers.get("x-request-id")!)).application_id).toBe(ids[i]!);
  }
  const unknown = await sign(shared.privateKey, { iss: "https://corp-idp.test", azp: "cli" }, { alg: "ES256", expiresIn: 60 });
  expect(await call("/j/x", unknown)).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
});

describe("subscriptions and credential state apply to JWT credentials as to keys", () => {
  test("no subscription 403 subscription_required; pending 403 subscription_pending", async () => {
    const pair = await keyPair("ES256");
    const lone = await g.create("applications", { name: "jwt-lone" });
    await jwtCredential(g.store, lone.id, "k", { issuer: "iss-lone", algorithms: ["ES256"], keys: [{ pem: pair.pem }] });
    const pending = await g.create("applications", { name: "jwt-pending" });
    await g.create("subscriptions", { application_id: pending.id, service_id: svc.id, status: "pending" });
    await jwtCredential(g.store, pending.id, "k", { issuer: "iss-pending", algorithms: ["ES256"], keys: [{ pem: pair.pem }] });
    await g.synced();
    const token = (iss: string) => sign(pair.privateKey, { iss }, { alg: "ES256", expiresIn: 60 });
    expect(await call("/j/x", await token("iss-lone"))).toMatchObject({ status: 403, code: "subscription_required", reachedUpstream: false });
    expect(await call("/j/x", await token("iss-pending"))).toMatchObject({ status: 403, code: "subscription_pending", reachedUpstream: false });
  });

  test("a disabled credential 401 invalid_credential; an expired one 401 credential_expired", async () => {
    const pair = await keyPair("ES256");
    const a = await g.create("applications", { name: "jwt-states" });
    await g.create("subscriptions", { application_id: a.id, service_id: svc.id });
    await jwtCredential(g.store, a.id, "off", { issuer: "iss-off", algorithms: ["ES256"], keys: [{ pem: pair.pem }] }, { enabled: false });
    await jwtCredential(g.store, a.id, "old", { issuer: "iss-old", algorithms: ["ES256"], keys: [{ pem: pair.pem }] }, { expires_at: new Date(Date.now() - 1000).toISOString() });
    await g.synced();
    const token = (iss: string) => sign(pair.privateKey, { iss }, { alg: "ES256", expiresIn: 60 });
    expect(await call("/j/x", await token("iss-off"))).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
    expect(await call("/j/x", await token("iss-old"))).toMatchObject({ status: 401, code: "credential_expired", reachedUpstream: false });
  });

  test("revoking the subscription refuses the next token within 1 s", async () => {
    const pair = await keyPair("ES256");
    const a = await g.create("applications", { name: "jwt-revoked" });
    const sub = await g.create("subscriptions", { application_id: a.id, service_id: svc.id });
    await jwtCredential(g.store, a.id, "k", { issuer: "iss-revoked", algorithms: ["ES256"], keys: [{ pem: pair.pem }] });
    await g.synced();
    const token = await sign(pair.privateKey, { iss: "iss-revoked" }, { alg: "ES256", expiresIn: 60 });
    expect((await call("/j/x", token)).status).toBe(200);
    const at = performance.now();
    await g.update("subscriptions", sub.id, { application_id: a.id, service_id: svc.id, status: "revoked" });
    await waitFor(async () => (await call("/j/x", token)).status === 403, 2000, "revocation");
    expect(performance.now() - at).toBeLessThan(1000);
    expect(await call("/j/x", token)).toMatchObject({ status: 403, code: "subscription_required", reachedUpstream: false });
  });
});

test("key_or_jwt takes an API key or a JWT", async () => {
  const { key } = await g.apiKey(app.id, "plain-key");
  await g.synced();
  expect((await call("/e/x", undefined, { "x-api-key": key })).status).toBe(200);
  expect((await call("/e/x", await good())).status).toBe(200);
  expect(await call("/e/x", "wg_not_a_real_key_0000000000")).toMatchObject({ status: 401, code: "invalid_credential" });
  // A jwt-only service does not take API keys.
  expect(await call("/j/x", key)).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
});

describe("JWKS", () => {
  let k1: KeyPair;
  let k2: KeyPair;
  let stranger: KeyPair;

  beforeAll(async () => {
    k1 = await keyPair("RS256");
    k2 = await keyPair("RS256");
    stranger = await keyPair("RS256");
    jwks.keys = [{ ...k1.jwk, kid: "k1", alg: "RS256", use: "sig" }];
    const a = await g.create("applications", { name: "jwks-app" });
    await g.create("subscriptions", { application_id: a.id, service_id: svc.id });
    await jwtCredential(g.store, a.id, "jwks", { issuer: "https://jwks-idp.test", algorithms: ["RS256"], jwks_url: jwks.url, jwks_cooldown_seconds: 1 });
    const down = await g.create("applications", { name: "jwks-down" });
    await g.create("subscriptions", { application_id: down.id, service_id: svc.id });
    await jwtCredential(g.store, down.id, "jwks", { issuer: "https://down-idp.test", algorithms: ["RS256"], jwks_url: "http://127.0.0.1:9/jwks.json" });
    await g.synced();
  });

  const token = (pair: KeyPair, kid: string, iss = "https://jwks-idp.test") => sign(pair.privateKey, { iss }, { alg: "RS256", kid, expiresIn: 60 });

  test("keys are fetched once and cached, not on every request", async () => {
    const before = jwks.requests;
    for (let i = 0; i < 10; i++) expect((await call("/j/x", await token(k1, "k1"))).status).toBe(200);
    expect(jwks.requests - before).toBe(1);
  });

  test("an unknown kid is refused without hammering the JWKS; a newly published kid is fetched", async () => {
    const before = jwks.requests;
    const bogus = await token(stranger, "k-unknown");
    const results = await Promise.all(Array.from({ length: 20 }, () => call("/j/x", bogus)));
    for (const r of results) expect(r).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
    // At most one refetch for the unknown kid, however many tokens carry it.
    expect(jwks.requests - before).toBeLessThanOrEqual(1);

    // The issuer rotates: k2 is published; after the cooldown its first token makes the gateway fetch again.
    jwks.keys = [{ ...k1.jwk, kid: "k1", alg: "RS256" }, { ...k2.jwk, kid: "k2", alg: "RS256" }];
    await Bun.sleep(1100);
    const fetchesBefore = jwks.requests;
    expect((await call("/j/x", await token(k2, "k2"))).status).toBe(200);
    expect(jwks.requests - fetchesBefore).toBe(1);
    expect((await call("/j/x", await token(k2, "k2"))).status).toBe(200);
    expect((await call("/j/x", await token(k1, "k1"))).status).toBe(200);
    expect(jwks.requests - fetchesBefore).toBe(1);
    // A token signed by a stranger under a published kid still fails its signature.
    expect(await call("/j/x", await token(stranger, "k2"))).toMatchObject({ status: 401, code: "invalid_credential" });
  });

  test("a token without kid is checked against every published key that fits", async () => {
    const noKid = (pair: KeyPair) => sign(pair.privateKey, { iss: "https://jwks-idp.test" }, { alg: "RS256", expiresIn: 60 });
    expect(jwks.keys.length).toBe(2);
    expect((await call("/j/x", await noKid(k1))).status).toBe(200);
    expect((await call("/j/x", await noKid(k2))).status).toBe(200);
    expect(await call("/j/x", await noKid(stranger))).toMatchObject({ status: 401, code: "invalid_credential", reachedUpstream: false });
  });

  test("an unreachable JWKS is 503 jwks_unavailable, not a 401", async () => {
    expect(await call("/j/x", await token(k1, "k1", "https://down-idp.test"))).toMatchObject({ status: 503, code: "jwks_unavailable", reachedUpstream: false });
  });
});

describe("a JWKS that fails", () => {
  const failing = new JwksServer();
  let pair: KeyPair;

  beforeAll(async () => {
    failing.start();
    pair = await keyPair("ES256");
    failing.keys = [{ ...pair.jwk, kid: "a", alg: "ES256" }];
    for (const [name, cache] of [["failing-fresh", 600], ["failing-stale", 1]] as const) {
      const a = await g.create("applications", { name });
      await g.create("subscriptions", { application_id: a.id, service_id: svc.id });
      await jwtCredential(g.store, a.id, "jwks", { issuer: name, algorithms: ["ES256"], jwks_url: `${failing.url}?${name}`, jwks_cache_seconds: cache, jwks_cooldown_seconds: 5 });
    }
    await g.synced();
  });
  afterAll(() => failing.stop());

  const token = (iss: string) => sign(pair.privateKey, { iss }, { alg: "ES256", kid: "a", expiresIn: 60 });

  test("is not asked again on every request while it is down", async () => {
    failing.failWith = 500;
    const before = failing.requests;
    for (let i = 0; i < 10; i++) expect(await call("/j/x", await token("failing-fresh"))).toMatchObject({ status: 503, code: "jwks_unavailable", reachedUpstream: false });
    expect(failing.requests - before).toBe(1);
    failing.failWith = null;
  });

  test("keys fetched before stay in use after the cache time when a refresh fails", async () => {
    expect((await call("/j/x", await token("failing-stale"))).status).toBe(200);
    failing.failWith = 503;
    await Bun.sleep(1100);
    const before = failing.requests;
    for (let i = 0; i < 5; i++) expect((await call("/j/x", await token("failing-stale"))).status).toBe(200);
    expect(failing.requests - before).toBe(1);
    failing.failWith = null;
  });
});
