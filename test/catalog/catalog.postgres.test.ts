import { test } from "bun:test";
import { postgresBackend, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { catalogSuite } from "./catalog.case.ts";

if (await postgresReachable()) {
  catalogSuite(postgresBackend);
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the catalog suite on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
