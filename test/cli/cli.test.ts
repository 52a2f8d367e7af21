import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashApiKey } from "../../src/core/keys.ts";
import { openStore } from "../../src/store/open.ts";

const ROOT = join(import.meta.dir, "..", "..");
const BIN = join(ROOT, "bin", "waygate");
const FIXTURE = join(ROOT, "test", "config", "fixtures", "complete.yaml");
const KEY = "cli-test-key-0123456789abcdef";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "waygate-cli-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function waygate(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const proc = Bun.spawn([BIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MOBILE_APP_KEY: KEY, ...env },
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("waygate CLI", () => {
  test("--help on the root and on every command", async () => {
    const root = await waygate(["--help"]);
    expect(root.code).toBe(0);
    for (const cmd of ["serve", "config validate", "config apply", "config export", "migrate", "version"]) expect(root.stdout).toContain(cmd);
    for (const args of [["config", "--help"], ["config", "validate", "-h"], ["config", "apply", "--help"], ["config", "export", "--help"], ["migrate", "-h"], ["version", "--help"]]) {
      const r = await waygate(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Usage: waygate");
    }
    const serve = await waygate(["serve", "--help"]);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toContain("Usage: waygate serve");
    expect((await waygate(["help", "serve"])).stdout).toBe(serve.stdout);
  });

  test("unknown commands and flags are usage errors (exit 2, message on stderr)", async () => {
    for (const args of [[], ["frobnicate"], ["--frobnicate"], ["config"], ["config", "explode"], ["config", "validate"], ["config", "validate", "--strict", "x.yaml"], ["migrate", "--database", "x"], ["config", "export", "extra-arg"]]) {
      const r = await waygate(args);
      expect(r.code).toBe(2);
      expect(r.stderr.length).toBeGreaterThan(0);
      expect(r.stdout).toBe("");
    }
    expect((await waygate(["migrate", "--database", "x"])).stderr).toContain("--database");
  });

  test("version", async () => {
    const r = await waygate(["version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^waygate \d+\.\d+\.\d+/);
  });

  test("config validate: ok, and each error as `path (line N): message`", async () => {
    const ok = await waygate(["config", "validate", FIXTURE]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("ok (2 teams, 2 upstreams, 2 services, 2 routes, 1 applications)");

    const bad = join(dir, "bad.yaml");
    await Bun.write(bad, "version: 1\nservices:\n  - name: s\n    upstream: nowhere\n    routes:\n      - name: r\n        paths: [relative]\n");
    const r = await waygate(["config", "validate", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("services[0].routes[0].paths[0] (line 7): Invalid string");
    const missing = await waygate(["config", "validate", join(dir, "nope.yaml")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file");
    const noEnv = await waygate(["config", "validate", FIXTURE], { MOBILE_APP_KEY: "" });
    expect(noEnv.code).toBe(1);
    const fromStdin = await waygate(["config", "validate", "-"], {}, "version: 1\nteams: [{name: a}]\n");
    expect(fromStdin.code).toBe(0);
  });

  test("config apply then export against a sqlite file; re-apply changes nothing", async () => {
    const db = `sqlite:${join(dir, "state", "waygate.db")}`;
    const dry = await waygate(["config", "apply", FIXTURE, "--db", db, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would apply:");

    const applied = await waygate(["config", "apply", FIXTURE, "--db", db]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("applied (revision 1)");
    expect(applied.stdout).toContain("routes: 2 created, 0 updated, 0 deleted");

    const again = await waygate(["config", "apply", FIXTURE], { WAYGATE_DB: db });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("no changes (revision 1)");

    const out = join(dir, "exported.yaml");
    const exported = await waygate(["config", "export", "--db", db, "--out", out]);
    expect(exported.code).toBe(0);
    const text = await Bun.file(out).text();
    expect(text).toContain(hashApiKey(KEY));
    expect(text).not.toContain(KEY);
    expect((await waygate(["config", "export"], { WAYGATE_DB: db })).stdout).toBe(text);

    const copy = `sqlite:${join(dir, "copy.db")}`;
    expect((await waygate(["config", "apply", out, "--db", copy])).code).toBe(0);
    expect((await waygate(["config", "export", "--db", copy])).stdout).toBe(text);

    const store = await openStore(db);
    try {
      expect(await store.revision()).toBe(1);
      expect((await store.getByName("services", "billing"))?.auth.mode).toBe("key_auth");
    } finally {
      await store.close();
    }
  });

  test("an invalid file is not applied", async () => {
    const db = `sqlite:${join(dir, "invalid.db")}`;
    const bad = join(dir, "bad-apply.yaml");
    await Bun.write(bad, "version: 1\nteams: [{name: ok}]\nservices: [{name: s, team: missing}]\n");
    const r = await waygate(["config", "apply", bad, "--db", db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("services[0].team (line 3): unknown team 'missing'");
    expect(r.stderr).toContain("nothing was applied");
    expect((await waygate(["config", "export", "--db", db])).stdout).toBe("version: 1\n");
  });

  test("migrate creates the schema and is idempotent; a bad URL fails with exit 1", async () => {
    const db = `sqlite:${join(dir, "migrated.db")}`;
    const first = await waygate(["migrate", "--db", db]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("schema up to date (sqlite");
    expect((await waygate(["migrate"], { WAYGATE_DB: db })).code).toBe(0);
    const bad = await waygate(["migrate", "--db", "mysql://nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unsupported store URL");
  });

  test("the default store is ./data/waygate.db", async () => {
    const r = await waygate(["migrate"]);
    expect(r.code).toBe(0);
    expect(await Bun.file(join(dir, "data", "waygate.db")).exists()).toBe(true);
  });
});
