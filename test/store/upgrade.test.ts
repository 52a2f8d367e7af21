import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQLITE_MIGRATIONS } from "../../src/store/migrations/sqlite.ts";
import { openStore } from "../../src/store/open.ts";
import { policyData, providerData, teamData } from "./fixtures.ts";

test("a database at schema version 1 is upgraded to the AI kinds and policies and keeps its rows", async () => {
  const dir = mkdtempSync(join(tmpdir(), "waygate-upgrade-"));
  try {
    const file = join(dir, "w.db");
    // The database as a release with only migration 1 left it.
    const raw = new Database(file);
    raw.run(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    for (const statement of SQLITE_MIGRATIONS[0]!.statements) raw.run(statement);
    raw.run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'entities', '2026-01-01T00:00:00.000Z')`);
    raw.run(`INSERT INTO teams (id, name, doc, created_at, updated_at) VALUES ('t1', 'kept', '{"description":""}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
    raw.run(`UPDATE meta SET value = 1 WHERE key = 'revision'`);
    raw.close();

    const store = await openStore(`sqlite:${file}`);
    try {
      expect(await store.migrate()).toEqual([]);
      expect(await store.revision()).toBe(1);
      const team = await store.getByName("teams", "kept");
      expect(team?.id).toBe("t1");
      const provider = await store.create("providers", providerData("p", { team_id: "t1" }));
      await store.create("teams", teamData("new"));
      expect((await store.loadAll()).providers).toEqual([provider]);
      const policy = await store.create("policies", policyData("team-limit", { scope: "team", team_id: "t1" }));
      expect((await store.loadAll()).policies).toEqual([policy]);
    } finally {
      await store.close();
    }
    const check = new Database(file);
    expect(check.query(`SELECT version FROM schema_migrations ORDER BY version`).all()).toEqual(SQLITE_MIGRATIONS.map((m) => ({ version: m.version })));
    check.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
