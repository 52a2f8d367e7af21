import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WaygateError } from "../../src/core/errors.ts";
import { openStore, parseStoreUrl } from "../../src/store/open.ts";
import { teamData } from "./fixtures.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("store URLs name their dialect", () => {
  expect(parseStoreUrl("sqlite::memory:")).toEqual({ dialect: "sqlite", path: ":memory:" });
  expect(parseStoreUrl("sqlite:data/waygate.db")).toEqual({ dialect: "sqlite", path: "data/waygate.db" });
  expect(parseStoreUrl("sqlite:///var/lib/waygate.db")).toEqual({ dialect: "sqlite", path: "/var/lib/waygate.db" });
  expect(parseStoreUrl("./waygate.db")).toEqual({ dialect: "sqlite", path: "./waygate.db" });
  expect(parseStoreUrl("/tmp/x.sqlite3")).toEqual({ dialect: "sqlite", path: "/tmp/x.sqlite3" });
  expect(parseStoreUrl("postgres://u@h:5432/db")).toEqual({ dialect: "postgres", url: "postgres://u@h:5432/db" });
  expect(parseStoreUrl("postgresql://u@h/db?schema=s")).toEqual({ dialect: "postgres", url: "postgresql://u@h/db?schema=s" });
  for (const bad of ["mysql://h/db", "waygate", "sqlite:"]) {
    expect(() => parseStoreUrl(bad)).toThrow(WaygateError);
  }
});

test("openStore on sqlite creates the missing directory and migrates", async () => {
  const dir = mkdtempSync(join(tmpdir(), "waygate-open-"));
  dirs.push(dir);
  const path = join(dir, "nested", "deeper", "waygate.db");
  const store = await openStore(`sqlite:${path}`);
  try {
    expect(existsSync(path)).toBe(true);
    expect(await store.migrate()).toEqual([]);
    await store.create("teams", teamData("t"));
    expect(await store.revision()).toBe(1);
  } finally {
    await store.close();
  }
  const again = await openStore(path);
  try {
    expect((await again.getByName("teams", "t"))?.name).toBe("t");
  } finally {
    await again.close();
  }
});

test("an in-memory sqlite store works and is private to its instance", async () => {
  const a = await openStore("sqlite::memory:");
  const b = await openStore("sqlite::memory:");
  try {
    await a.create("teams", teamData("only-in-a"));
    expect((await a.list("teams")).total).toBe(1);
    expect((await b.list("teams")).total).toBe(0);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test("close is idempotent", async () => {
  const store = await openStore("sqlite::memory:");
  await store.close();
  await store.close();
});
