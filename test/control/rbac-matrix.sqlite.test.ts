import { sqliteBackend } from "../store/backends.ts";
import { rbacMatrixSuite } from "./rbac-matrix.case.ts";

rbacMatrixSuite("sqlite", () => sqliteBackend.fresh());
