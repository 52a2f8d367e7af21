import { sqliteBackend } from "../store/backends.ts";
import { adminApiSuite } from "./admin.case.ts";

adminApiSuite("sqlite", () => sqliteBackend.fresh());
