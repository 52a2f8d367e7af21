import { sqliteBackend } from "../store/backends.ts";
import { rollupStoreSuite } from "./rollup-store.case.ts";

rollupStoreSuite("sqlite", () => sqliteBackend.fresh());
