import { sqliteBackend } from "../store/backends.ts";
import { catalogSuite } from "./catalog.case.ts";

catalogSuite(sqliteBackend);
