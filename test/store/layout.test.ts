import { describe, expect, test } from "bun:test";
import { KINDS } from "../../src/config/entities.ts";
import { KIND_DESCRIPTORS } from "../../src/config/kinds.ts";
import { decodeCursor, encodeCursor, pageLimit } from "../../src/store/cursor.ts";
import { checkMigrationOrder } from "../../src/store/migrations/migration.ts";
import { POSTGRES_MIGRATIONS } from "../../src/store/migrations/postgres.ts";
import { SQLITE_MIGRATIONS } from "../../src/store/migrations/sqlite.ts";
import { numberPlaceholders } from "../../src/store/postgres/driver.ts";
import { RELATIONS, TABLES } from "../../src/store/tables.ts";

describe("table layout", () => {
  test("every reference and unique field of every kind is a real column", () => {
    for (const kind of KINDS) {
      const d = KIND_DESCRIPTORS[kind];
      for (const field of [...Object.keys(d.refs), ...d.unique.flat()]) expect(TABLES[kind].columns).toContain(field);
      for (const field of TABLES[kind].required) expect(TABLES[kind].columns).toContain(field);
    }
  });

  test("both dialects' migrations create every column of the layout", () => {
    for (const migrations of [SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS]) {
      const ddl = migrations.flatMap((m) => m.statements).join("\n");
      for (const kind of KINDS) {
        const table = ddl.match(new RegExp(`CREATE TABLE ${kind} \\(([\\s\\S]*?)\\n\\)`))?.[1] ?? "";
        expect(table).not.toBe("");
        for (const column of ["id", "seq", "doc", "created_at", "updated_at", ...TABLES[kind].columns]) {
          expect(table).toMatch(new RegExp(`^\\s*${column} `, "m"));
        }
      }
    }
  });

  test("required references to a cascadeFrom kind cascade; optional ones block", () => {
    const cascading = RELATIONS.filter((r) => r.cascade).map((r) => `${r.from}.${r.field}`);
    expect(cascading.sort()).toEqual([
      "credentials.application_id",
      "prompt_apis.service_id",
      "routes.service_id",
      "subscriptions.application_id",
      "subscriptions.service_id",
    ]);
    expect(RELATIONS.find((r) => r.from === "routes" && r.field === "fallback_service_id")?.to).toBe("services");
    expect(RELATIONS.find((r) => r.from === "services" && r.field === "fallback_service_id")?.to).toBe("services");
  });

  test("the schema's ON DELETE CASCADE matches the cascading relations", () => {
    for (const migrations of [SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS]) {
      const ddl = migrations.flatMap((m) => m.statements).join("\n");
      for (const r of RELATIONS) {
        const table = ddl.match(new RegExp(`CREATE TABLE ${r.from} \\(([\\s\\S]*?)\\n\\)`))?.[1] ?? "";
        const line = table.split("\n").find((l) => l.trim().startsWith(`${r.field} `)) ?? "";
        expect(line).toContain(`REFERENCES ${r.to} (id)`);
        expect(line.includes("ON DELETE CASCADE")).toBe(r.cascade);
      }
    }
  });

  test("migration versions are strictly increasing, and out-of-order lists are refused", () => {
    expect(() => checkMigrationOrder(SQLITE_MIGRATIONS)).not.toThrow();
    expect(() => checkMigrationOrder(POSTGRES_MIGRATIONS)).not.toThrow();
    expect(SQLITE_MIGRATIONS.map((m) => m.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    expect(() =>
      checkMigrationOrder([
        { version: 2, name: "b", statements: [] },
        { version: 1, name: "a", statements: [] },
      ]),
    ).toThrow();
  });
});

describe("cursors and limits", () => {
  test("a cursor round-trips and garbage is refused", () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    for (const bad of ["", "abc", Buffer.from('{"s":-1}').toString("base64url"), Buffer.from('{"s":"1"}').toString("base64url")]) {
      expect(() => decodeCursor(bad)).toThrow("invalid cursor");
    }
  });

  test("limits default to 100 and clamp to 1..1000", () => {
    expect(pageLimit(undefined)).toBe(100);
    expect(pageLimit(0)).toBe(1);
    expect(pageLimit(7.9)).toBe(7);
    expect(pageLimit(1e9)).toBe(1000);
    expect(pageLimit(Number.NaN)).toBe(100);
  });

  test("PostgreSQL placeholders are numbered in order", () => {
    expect(numberPlaceholders("a = ? AND b = ? OR c = ?")).toBe("a = $1 AND b = $2 OR c = $3");
  });
});
