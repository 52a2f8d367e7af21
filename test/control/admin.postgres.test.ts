import { test } from "bun:test";
import { postgresBackend, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { adminApiSuite } from "./admin.case.ts";

if (await postgresReachable()) {
  adminApiSuite("postgres", () => postgresBackend.fresh());
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the admin API suite on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
