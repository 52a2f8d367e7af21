import { describe, expect, test } from "bun:test";
import { postgresBackend, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "./backends.ts";
import { teamData } from "./fixtures.ts";
import { runStoreSuite } from "./store.case.ts";

if (await postgresReachable()) {
  runStoreSuite(postgresBackend);

  describe("store (postgres) notifications", () => {
    test("LISTEN/NOTIFY reports a commit within 1 s even when polling is slow", async () => {
      const db = await postgresBackend.fresh();
      try {
        const other = await db.open();
        const reported: number[] = [];
        const unsubscribe = db.store.watch((r) => reported.push(r), 60_000, 0);
        try {
          // Let the LISTEN connection come up (its first check finds nothing new).
          await Bun.sleep(200);
          await other.create("teams", teamData("pushed"));
          const started = performance.now();
          while (reported.length === 0 && performance.now() - started < 1000) await Bun.sleep(5);
          expect(reported).toEqual([1]);
        } finally {
          unsubscribe();
        }
      } finally {
        await db.dispose();
      }
    });

    test("stores in other schemas of the same database do not wake each other", async () => {
      const a = await postgresBackend.fresh();
      const b = await postgresBackend.fresh();
      try {
        const reported: number[] = [];
        const unsubscribe = a.store.watch((r) => reported.push(r), 60_000, 0);
        try {
          await Bun.sleep(200);
          await b.store.create("teams", teamData("elsewhere"));
          await Bun.sleep(300);
          expect(reported).toEqual([]);
          expect(await a.store.revision()).toBe(0);
        } finally {
          unsubscribe();
        }
      } finally {
        await Promise.all([a.dispose(), b.dispose()]);
      }
    });
  });
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the PostgreSQL store suite`);
  });
} else {
  warnPostgresMissing();
}
