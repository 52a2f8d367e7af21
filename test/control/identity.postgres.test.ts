import { test } from "bun:test";
import { postgresBackend, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { identitySuite } from "./identity.case.ts";

if (await postgresReachable()) {
  identitySuite("postgres", () => postgresBackend.fresh());
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the admin identity suite on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
