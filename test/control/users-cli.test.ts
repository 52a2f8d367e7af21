import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/open.ts";
import { startIdentityAdmin } from "./identity-fixture.ts";

const BIN = join(import.meta.dir, "..", "..", "bin", "waygate");
const PASSWORD = "a password from standard input";

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "waygate-users-"));
  db = `sqlite:${join(dir, "w.db")}`;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function waygate(args: string[], stdin?: string) {
  const proc = Bun.spawn([BIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

test("waygate users create: password from stdin or a file, never echoed; the user can log in", async () => {
  const fromStdin = await waygate(["users", "create", "--username", "ops-lead", "--role", "admin", "--db", db], `${PASSWORD}\n`);
  expect(fromStdin.stderr).toBe("");
  expect(fromStdin.code).toBe(0);
  expect(fromStdin.stdout).toMatch(/^created user ops-lead \(id \S+, role admin\)\n$/);

  const file = join(dir, "pw.txt");
  writeFileSync(file, "a password read from a file\n", { mode: 0o600 });
  const fromFile = await waygate(["users", "create", "--username", "viewer", "--password-file", file, "--db", db]);
  expect(fromFile.code).toBe(0);
  expect(fromFile.stdout).toContain("role member");
  for (const run of [fromStdin, fromFile]) expect(run.stdout + run.stderr).not.toContain("password");

  const store = await openStore(db);
  const api = startIdentityAdmin(store);
  try {
    const me = await api.call("GET", "/admin/me", undefined, await api.login("ops-lead", PASSWORD));
    expect(me.body.user).toMatchObject({ username: "ops-lead", role: "admin" });
    expect((await api.call("POST", "/admin/login", { username: "viewer", password: "a password read from a file" }, null)).status).toBe(200);
    const audit = await api.call("GET", "/admin/audit-log?kind=users&action=create");
    expect(audit.body.data.map((e: { method: string }) => e.method)).toEqual(["CLI", "CLI"]);
  } finally {
    await api.stop();
    await store.close();
  }

  const duplicate = await waygate(["users", "create", "--username", "viewer", "--db", db], `${PASSWORD}\n`);
  expect(duplicate.code).toBe(1);
  expect(duplicate.stderr).toContain("[conflict]");
  const short = await waygate(["users", "create", "--username", "x", "--db", db], "short\n");
  expect(short.code).toBe(2);
  expect(short.stderr).toContain("password must be a string of 12 to 1024 characters");
  expect(short.stderr).not.toContain("short\n");
  expect((await waygate(["users", "create", "--db", db], `${PASSWORD}\n`)).code).toBe(2);
  expect((await waygate(["users", "create", "--username", "y", "--role", "root", "--db", db], `${PASSWORD}\n`)).code).toBe(2);
  expect((await waygate(["users", "create", "--username", "z", "--password", "inline", "--db", db])).code).toBe(2);
});
