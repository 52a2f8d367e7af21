import { releaseSuite } from "./releases.case.ts";

releaseSuite("sqlite");
