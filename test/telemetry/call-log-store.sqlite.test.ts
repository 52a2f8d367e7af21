import { freshSqliteCallLog } from "./call-log-backends.ts";
import { callLogStoreSuite } from "./call-log-store.case.ts";

callLogStoreSuite("sqlite", freshSqliteCallLog);
