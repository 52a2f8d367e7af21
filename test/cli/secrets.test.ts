import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretBox } from "../../src/core/secrets.ts";
import { openStore } from "../../src/store/open.ts";

const BIN = join(import.meta.dir, "..", "..", "bin", "waygate");
const SECRET = "sk-cli-secret-value-7777";
const CONFIG = `version: 1
providers:
  - name: openai-main
    kind: openai
    keys:
      - name: primary
        secret: "\${OPENAI_KEY}"
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "waygate-secrets-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function waygate(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const proc = Bun.spawn([BIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...env },
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

function boxOf(file: string): SecretBox {
  return new SecretBox(Buffer.from(readFileSync(file, "utf8").trim(), "base64"));
}

async function storedSecret(db: string): Promise<string> {
  const store = await openStore(db);
  try {
    return (await store.getByName("providers", "openai-main"))!.keys[0]!.secret_enc!;
  } finally {
    await store.close();
  }
}

test("config apply seals secrets with the data directory's master key; secrets rotate moves them to a new key", async () => {
  const db = `sqlite:${join(dir, "w.db")}`;
  const data = join(dir, "data");
  const masterKey = join(data, "master.key");

  const applied = await waygate(["config", "apply", "-", "--db", db, "--data-dir", data], { OPENAI_KEY: SECRET }, CONFIG);
  expect(applied.code).toBe(0);
  expect(applied.stdout + applied.stderr).not.toContain(SECRET);
  expect(existsSync(masterKey)).toBe(true);
  expect(statSync(masterKey).mode & 0o777).toBe(0o600);
  expect(boxOf(masterKey).decrypt(await storedSecret(db))).toBe(SECRET);

  const exported = await waygate(["config", "export", "--db", db]);
  expect(exported.code).toBe(0);
  expect(exported.stdout).not.toContain(SECRET);
  expect(exported.stdout).toContain("secret: ${WAYGATE_SECRET_OPENAI_MAIN_PRIMARY}");

  const newKey = join(dir, "new.key");
  const rotated = await waygate(["secrets", "rotate", "--db", db, "--data-dir", data, "--new-key-file", newKey]);
  expect(rotated.stderr).toBe("");
  expect(rotated.code).toBe(0);
  expect(rotated.stdout).toContain("re-encrypted 1 secret of 1 provider");
  const moved = await storedSecret(db);
  expect(boxOf(newKey).decrypt(moved)).toBe(SECRET);
  expect(() => boxOf(masterKey).decrypt(moved)).toThrow();

  // With the new key installed, the exported file applies back without a change.
  renameSync(newKey, masterKey);
  const again = await waygate(["config", "apply", "-", "--db", db, "--data-dir", data], { WAYGATE_SECRET_OPENAI_MAIN_PRIMARY: SECRET }, exported.stdout);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain("no changes");
  expect(await storedSecret(db)).toBe(moved);
});

test("WAYGATE_MASTER_KEY names the current key; usage errors exit 2", async () => {
  const db = `sqlite:${join(dir, "env.db")}`;
  const envKey = Buffer.alloc(32, 4).toString("base64");
  expect((await waygate(["config", "apply", "-", "--db", db, "--data-dir", join(dir, "unused")], { OPENAI_KEY: SECRET, WAYGATE_MASTER_KEY: envKey }, CONFIG)).code).toBe(0);
  expect(existsSync(join(dir, "unused", "master.key"))).toBe(false);
  expect(new SecretBox(Buffer.alloc(32, 4)).decrypt(await storedSecret(db))).toBe(SECRET);

  const same = join(dir, "same.key");
  await Bun.write(same, `${envKey}\n`);
  const refused = await waygate(["secrets", "rotate", "--db", db, "--new-key-file", same], { WAYGATE_MASTER_KEY: envKey });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("holds the current master key");

  expect((await waygate(["secrets", "rotate", "--db", db])).code).toBe(2);
  expect((await waygate(["secrets", "nope"])).code).toBe(2);
  const help = await waygate(["help", "secrets", "rotate"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("--new-key-file");
});
