/**
 * `waygate serve --config` as a real process: DB-less from a YAML file,
 * reloaded on change, an invalid edit ignored while the last good
 * configuration keeps serving, and the admin API read-only.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { freePort, waitFor } from "../support/net.ts";

const dir = mkdtempSync(join(tmpdir(), "waygate-serve-"));
const file = join(dir, "waygate.yaml");
const a = new FaultUpstream("a");
const b = new FaultUpstream("b");
let proc: ReturnType<typeof Bun.spawn>;
let proxy = "";
let admin = "";
const TOKEN = "test-admin-token-0123456789";

const config = (path: string, upstream: string, key = "${APP_KEY}") => `
version: 1
upstreams:
  - name: main
    targets:
      - url: "${upstream}"
services:
  - name: echo
    upstream: main
    auth: { mode: key_auth }
    routes:
      - name: echo
        paths: ["${path}"]
        strip_path: true
applications:
  - name: app
    credentials:
      - name: k1
        key: "${key}"
    subscriptions: [echo]
`;

beforeAll(async () => {
  a.start();
  b.start();
  writeFileSync(file, config("/one", a.url));
  const [pp, ap] = [await freePort(), await freePort()];
  proxy = `http://127.0.0.1:${pp}`;
  admin = `http://127.0.0.1:${ap}`;
  proc = Bun.spawn(["./bin/waygate", "serve", "--config", file, "--listen", `127.0.0.1:${pp}`, "--admin-listen", `127.0.0.1:${ap}`, "--data-dir", dir], {
    env: { ...process.env, WAYGATE_ADMIN_TOKEN: TOKEN, APP_KEY: "app-key-0123456789abcdef" },
    stdout: "pipe",
    stderr: "pipe",
  });
  await waitFor(async () => (await fetch(`${admin}/readyz`).catch(() => undefined))?.ok === true, 10_000);
});

afterAll(() => {
  proc.kill();
  a.stop();
  b.stop();
  rmSync(dir, { recursive: true, force: true });
});

const call = (path: string, key = "app-key-0123456789abcdef") => fetch(`${proxy}${path}`, { headers: { authorization: `Bearer ${key}` } });

test("serves the file's routes with key auth", async () => {
  const ok = await call("/one/hi");
  expect(ok.status).toBe(200);
  expect(ok.headers.get("x-upstream")).toBe("a");
  expect(((await ok.json()) as { path: string }).path).toBe("/hi");
  const denied = await call("/one/hi", "wrong-key-0123456789");
  expect(denied.status).toBe(401);
  expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("invalid_credential");
});

test("reloads the file on change within a second", async () => {
  writeFileSync(file, config("/two", b.url));
  const started = Date.now();
  await waitFor(async () => (await call("/two/x")).status === 200, 3000);
  expect(Date.now() - started).toBeLessThan(1500);
  const res = await call("/two/x");
  expect(res.headers.get("x-upstream")).toBe("b");
  expect((await call("/one/x")).status).toBe(404);
});

test("an invalid edit is ignored and the last good configuration keeps serving", async () => {
  writeFileSync(file, "version: 1\nservices:\n  - name: broken\n    upstream: nowhere\n");
  await Bun.sleep(1500);
  expect((await call("/two/x")).status).toBe(200);
});

test("the admin API is read-only in DB-less mode, and requires the token", async () => {
  const list = await fetch(`${admin}/admin/services`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(list.status).toBe(200);
  const body = (await list.json()) as { data: Array<{ name: string }> };
  expect(body.data.map((s) => s.name)).toEqual(["echo"]);
  const write = await fetch(`${admin}/admin/teams`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "t" }),
  });
  expect(write.status).toBe(409);
  expect(((await write.json()) as { error: { code: string } }).error.code).toBe("config_managed");
  expect((await fetch(`${admin}/admin/services`)).status).toBe(401);
  const metrics = await (await fetch(`${admin}/metrics`)).text();
  expect(metrics).toContain("waygate_requests_total");
  expect(metrics).toContain("waygate_event_loop_lag_max_ms");
});
