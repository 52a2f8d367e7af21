import { sqliteBackend } from "../store/backends.ts";
import { aiEntitiesSuite } from "./ai-entities.case.ts";

aiEntitiesSuite("sqlite", () => sqliteBackend.fresh());
