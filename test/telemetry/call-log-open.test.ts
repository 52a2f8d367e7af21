import { expect, test } from "bun:test";
import type { CallLogStore, PruneStep, RetentionPolicy } from "../../src/calls/call-log-store.ts";
import { parseCallLogLocation } from "../../src/calls/open.ts";
import { RetentionRunner } from "../../src/calls/retention.ts";
import { parseRetentionDays } from "../../src/calls/serve-call-log.ts";
import { WaygateError } from "../../src/core/errors.ts";

const PG = "postgres://gw@db:5432/waygate?schema=gw";

test("--call-log names a SQLite file, a PostgreSQL database, or the configuration store's", () => {
  expect(parseCallLogLocation(undefined, PG, "data/calls.db")).toEqual({ backend: "sqlite", path: "data/calls.db" });
  expect(parseCallLogLocation("/var/log/calls.db", PG, "d")).toEqual({ backend: "sqlite", path: "/var/log/calls.db" });
  expect(parseCallLogLocation("sqlite:./calls.sqlite", PG, "d")).toEqual({ backend: "sqlite", path: "./calls.sqlite" });
  expect(parseCallLogLocation("postgresql://logs@db2/calls", PG, "d")).toEqual({ backend: "postgres", url: "postgresql://logs@db2/calls" });
  expect(parseCallLogLocation("store", PG, "d")).toEqual({ backend: "postgres", url: PG });
  expect(parseCallLogLocation("store", "sqlite:data/waygate.db", "data/calls.db")).toEqual({ backend: "sqlite", path: "data/calls.db" });
  for (const bad of ["sqlite:", "mysql://db/calls", "redis://x"]) expect(() => parseCallLogLocation(bad, PG, "d")).toThrow(WaygateError);
});

test("retention days are whole days from 1 to 3650", () => {
  expect(parseRetentionDays(undefined)).toBe(30);
  expect(parseRetentionDays("7")).toBe(7);
  for (const bad of ["0", "-1", "1.5", "abc", "3651", ""]) expect(() => parseRetentionDays(bad)).toThrow(WaygateError);
});

function fakeStore(steps: Array<PruneStep | Error>): CallLogStore & { policies: RetentionPolicy[] } {
  const policies: RetentionPolicy[] = [];
  return {
    backend: "sqlite",
    policies,
    async write() {},
    async close() {},
    async list() {
      return { items: [] };
    },
    async get() {
      return null;
    },
    async prune(policy) {
      policies.push(policy);
      const next = steps.shift() ?? { deleted: 0, more: false };
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

test("a sweep runs slices until nothing expired is left, pausing between them", async () => {
  const store = fakeStore([{ deleted: 10, more: true }, { deleted: 10, more: true }, { deleted: 3, more: false }, { deleted: 99, more: false }]);
  const policy: RetentionPolicy = { default_days: 3, teams: new Map([["t", 1]]) };
  const runner = new RetentionRunner(store, async () => policy, { pauseMs: 1 });
  await runner.sweep();
  expect(runner.deleted).toBe(23);
  expect(store.policies).toEqual([policy, policy, policy]);
});

test("a failing slice ends the sweep, is reported, and the next sweep starts over", async () => {
  const errors: unknown[] = [];
  const store = fakeStore([{ deleted: 5, more: true }, new Error("database is locked"), { deleted: 2, more: false }]);
  const runner = new RetentionRunner(store, async () => ({ default_days: 1, teams: new Map() }), { pauseMs: 1, onError: (e) => errors.push(e) });
  await runner.sweep();
  expect(errors.map((e) => (e as Error).message)).toEqual(["database is locked"]);
  await runner.sweep();
  expect(runner.deleted).toBe(7);
  await runner.stop();
});
