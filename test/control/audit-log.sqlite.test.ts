import { sqliteBackend } from "../store/backends.ts";
import { auditLogSuite } from "./audit-log.case.ts";

auditLogSuite("sqlite", () => sqliteBackend.fresh());
