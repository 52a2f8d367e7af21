import { test } from "bun:test";
import { postgresBackend, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { aiEntitiesSuite } from "./ai-entities.case.ts";

if (await postgresReachable()) {
  aiEntitiesSuite("postgres", () => postgresBackend.fresh());
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(`${postgresUnreachableMessage()}; CI must run the AI kinds admin suite on PostgreSQL`);
  });
} else {
  warnPostgresMissing();
}
