import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sqliteBackend } from "./backends.ts";
import { runStoreSuite } from "./store.case.ts";
import { teamData } from "./fixtures.ts";

runStoreSuite(sqliteBackend);

test("sqlite: WAL mode, so the database has a -wal file beside it", async () => {
  const db = await sqliteBackend.fresh();
  try {
    await db.store.create("teams", teamData("wal"));
    const path = db.url.slice("sqlite:".length);
    expect(existsSync(`${path}-wal`)).toBe(true);
  } finally {
    await db.dispose();
  }
});

test("sqlite: a watching process exits after unsubscribe alone", async () => {
  const db = await sqliteBackend.fresh();
  try {
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "scripts", "watch-exit.ts"), db.url, "unsubscribe"], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const timer = setTimeout(() => child.kill(), 10_000);
    expect(await child.exited).toBe(0);
    clearTimeout(timer);
    expect((await new Response(child.stdout).text()).trim()).toBe("released");
  } finally {
    await db.dispose();
  }
});
