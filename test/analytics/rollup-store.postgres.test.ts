import { test } from "bun:test";
import { postgresBackend, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { rollupStoreSuite } from "./rollup-store.case.ts";

if (await postgresReachable()) {
  rollupStoreSuite("postgres", () => postgresBackend.fresh());
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the rollup store suite on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
