import { test } from "bun:test";
import { postgresBackend, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { auditLogSuite } from "./audit-log.case.ts";

if (await postgresReachable()) {
  auditLogSuite("postgres", () => postgresBackend.fresh());
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the audit log suite on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
