import { test } from "bun:test";
import { postgresBackend, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { rbacMatrixSuite } from "./rbac-matrix.case.ts";

if (await postgresReachable()) {
  rbacMatrixSuite("postgres", () => postgresBackend.fresh());
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the authorization matrix on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
