import { sqliteBackend } from "../store/backends.ts";
import { identitySuite } from "./identity.case.ts";

identitySuite("sqlite", () => sqliteBackend.fresh());
