import { openStore } from "../../src/store/open.ts";
import { adminApiSuite } from "./admin.case.ts";

adminApiSuite("sqlite", () => openStore("sqlite::memory:"));
