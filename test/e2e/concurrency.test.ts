/**
 * The gateway process holds far more than 256 upstream requests at once
 * (Bun's fetch default): `waygate` raises the limit before Bun starts.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/net.ts";

const dir = mkdtempSync(join(tmpdir(), "waygate-conc-"));
const N = 600;
let held = 0;
let release: () => void = () => {};
const gate = new Promise<void>((r) => (release = r));
const upstream = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch() {
    held++;
    await gate;
    return new Response("ok");
  },
});
let proc: ReturnType<typeof Bun.spawn>;
let proxy = "";

beforeAll(async () => {
  const file = join(dir, "waygate.yaml");
  writeFileSync(file, `version: 1\nupstreams:\n  - name: u\n    targets: [{ url: "http://127.0.0.1:${upstream.port}" }]\nservices:\n  - name: s\n    upstream: u\n    routes:\n      - name: r\n        paths: ["/"]\n`);
  const [pp, ap] = [await freePort(), await freePort()];
  proxy = `http://127.0.0.1:${pp}`;
  proc = Bun.spawn(["./bin/waygate", "serve", "--config", file, "--listen", `127.0.0.1:${pp}`, "--admin-listen", `127.0.0.1:${ap}`, "--data-dir", dir, "--no-call-log"], {
    env: { ...process.env, WAYGATE_ADMIN_TOKEN: "t".repeat(20), BUN_CONFIG_MAX_HTTP_REQUESTS: "" },
    stdout: "ignore",
    stderr: "ignore",
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${ap}/readyz`).catch(() => undefined))?.ok === true, 10_000);
});

afterAll(() => {
  release();
  proc.kill();
  upstream.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

/** One request on its own raw connection (this test process's own fetch has the 256 limit too). */
function rawGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.write("GET /x HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        },
        data(_s, d) {
          text += d.toString();
        },
        close() {
          resolve(text);
        },
        error(_s, e) {
          reject(e);
        },
      },
    }).catch(reject);
  });
}

test(`${N} requests are in flight upstream at the same time`, async () => {
  const port = Number(new URL(proxy).port);
  const all = Array.from({ length: N }, () => rawGet(port));
  await waitFor(() => held >= N, 15_000);
  expect(held).toBe(N);
  release();
  const answers = await Promise.all(all);
  expect(answers.filter((a) => a.startsWith("HTTP/1.1 200")).length).toBe(N);
}, 30_000);
