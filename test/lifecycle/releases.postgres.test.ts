import { test } from "bun:test";
import { postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { releaseSuite } from "./releases.case.ts";

if (await postgresReachable()) {
  releaseSuite("postgres");
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the release suite on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
