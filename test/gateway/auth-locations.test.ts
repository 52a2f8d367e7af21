/**
 * Where a service reads the credential from — Bearer, a named header, a
 * query parameter, in the configured order — and that a hidden credential
 * never reaches the upstream, whichever location carried it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { jwtCredential, keyPair, sign } from "../support/jwt.ts";

let g: TestGateway;
const up = new FaultUpstream("loc");
let key: string;
let token: string;

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  const locations = [{ query: "api_key" }, { header: "x-token" }, "bearer"];
  const hidden = await g.create("services", { name: "hidden", upstream_id: u.id, auth: { mode: "key_or_jwt", locations } });
  const shown = await g.create("services", { name: "shown", upstream_id: u.id, auth: { mode: "key_auth", locations, hide_credentials: false } });
  const queryOnly = await g.create("services", { name: "query-only", upstream_id: u.id, auth: { mode: "key_auth", locations: [{ query: "key" }] } });
  await g.create("routes", { name: "h", service_id: hidden.id, paths: ["/h"] });
  await g.create("routes", { name: "s", service_id: shown.id, paths: ["/s"] });
  await g.create("routes", { name: "q", service_id: queryOnly.id, paths: ["/q"] });
  const app = await g.create("applications", { name: "app" });
  for (const s of [hidden, shown, queryOnly]) await g.create("subscriptions", { application_id: app.id, service_id: s.id });
  key = (await g.apiKey(app.id)).key;
  const pair = await keyPair("ES256");
  await jwtCredential(g.store, app.id, "jwt", { issuer: "loc-issuer", algorithms: ["ES256"], keys: [{ pem: pair.pem }] });
  token = await sign(pair.privateKey, { iss: "loc-issuer" }, { alg: "ES256", expiresIn: 300 });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

async function call(path: string, headers: Record<string, string> = {}) {
  const before = up.seen.length;
  const res = await fetch(g.url + path, { headers });
  const text = await res.text();
  const code = res.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
  const seen = up.seen.length > before ? up.seen.at(-1) : undefined;
  return { status: res.status, code, seen, body: text };
}

const leaked = (seen: { path: string; headers: Record<string, string> } | undefined, secret: string) => JSON.stringify(seen ?? {}).includes(secret);

test("a key in the query is used, and stripped from the forwarded URL with every other parameter kept", async () => {
  const r = await call(`/h/items?page=2&api_key=${key}&sort=a%20b`);
  expect(r.status).toBe(200);
  expect(r.seen!.path).toBe("/h/items?page=2&sort=a%20b");
  expect(leaked(r.seen, key)).toBe(false);
});

test("an encoded parameter name is stripped like the plain one", async () => {
  const r = await call(`/h/items?api%5Fkey=${key}`);
  expect(r.status).toBe(200);
  expect(r.seen!.path).toBe("/h/items");
  expect(leaked(r.seen, key)).toBe(false);
});

test("a key or a JWT in the named header is used and removed", async () => {
  for (const credential of [key, token]) {
    const r = await call("/h/x", { "x-token": credential });
    expect(r.status).toBe(200);
    expect(r.seen!.headers["x-token"]).toBeUndefined();
    expect(leaked(r.seen, credential)).toBe(false);
  }
});

test("Bearer is used and removed; a second copy in another location is removed as well", async () => {
  const r = await call(`/h/x?api_key=${key}&keep=1`, { authorization: `Bearer ${token}`, "x-token": key });
  expect(r.status).toBe(200);
  expect(r.seen!.headers.authorization).toBeUndefined();
  expect(r.seen!.headers["x-token"]).toBeUndefined();
  expect(r.seen!.path).toBe("/h/x?keep=1");
  expect(leaked(r.seen, key)).toBe(false);
  expect(leaked(r.seen, token)).toBe(false);
});

test("locations are tried in order: the first one carrying a credential decides", async () => {
  const r = await call("/h/x?api_key=wg_wrong_key_000000000000", { "x-token": key });
  expect(r).toMatchObject({ status: 401, code: "invalid_credential", seen: undefined });
});

test("an Authorization header of another scheme is not a credential and is forwarded", async () => {
  const r = await call("/h/x", { authorization: "Basic dXNlcjpwYXNz", "x-token": key });
  expect(r.status).toBe(200);
  expect(r.seen!.headers.authorization).toBe("Basic dXNlcjpwYXNz");
});

test("hide_credentials: false forwards the credential where it came", async () => {
  const viaQuery = await call(`/s/x?api_key=${key}`);
  expect(viaQuery.status).toBe(200);
  expect(viaQuery.seen!.path).toBe(`/s/x?api_key=${key}`);
  const viaHeader = await call("/s/x", { "x-token": key });
  expect(viaHeader.seen!.headers["x-token"]).toBe(key);
});

test("a location the service does not list is not read", async () => {
  const r = await call("/q/x", { "x-api-key": key, authorization: `Bearer ${key}` });
  expect(r).toMatchObject({ status: 401, code: "unauthorized", seen: undefined });
  expect(JSON.parse(r.body).error.message).toContain("?key=");
  expect((await call(`/q/x?key=${key}`)).status).toBe(200);
});
