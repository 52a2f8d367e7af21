/**
 * How each entity kind relates to the others. The store enforces these
 * references (400 reference_not_found on write, 409 reference_conflict on
 * delete of something still referenced) and uniqueness (409 conflict).
 */
import type { Kind } from "./entities.ts";

export interface KindDescriptor {
  kind: Kind;
  /** Field name → kind it points at (by id). */
  refs: Record<string, Kind>;
  /** Each entry is a set of fields whose values together must be unique. */
  unique: string[][];
  /** Deleting the referenced entity deletes these dependants too (e.g. an application's credentials). */
  cascadeFrom: Kind[];
}

export const KIND_DESCRIPTORS: Record<Kind, KindDescriptor> = {
  teams: { kind: "teams", refs: {}, unique: [["name"]], cascadeFrom: [] },
  upstreams: { kind: "upstreams", refs: { team_id: "teams" }, unique: [["name"]], cascadeFrom: [] },
  services: {
    kind: "services",
    refs: { team_id: "teams", upstream_id: "upstreams", fallback_service_id: "services" },
    unique: [["name"]],
    cascadeFrom: [],
  },
  routes: {
    kind: "routes",
    refs: { service_id: "services", fallback_service_id: "services" },
    unique: [["name"]],
    cascadeFrom: ["services"],
  },
  applications: { kind: "applications", refs: { team_id: "teams" }, unique: [["name"]], cascadeFrom: [] },
  credentials: {
    kind: "credentials",
    refs: { application_id: "applications" },
    unique: [["application_id", "name"], ["key_hash"]],
    cascadeFrom: ["applications"],
  },
  subscriptions: {
    kind: "subscriptions",
    refs: { application_id: "applications", service_id: "services" },
    unique: [["application_id", "service_id"]],
    cascadeFrom: ["applications", "services"],
  },
  // Route trees name providers inside the document; those names are checked where trees are compiled, not by the store.
  providers: { kind: "providers", refs: { team_id: "teams" }, unique: [["name"]], cascadeFrom: [] },
  virtual_models: { kind: "virtual_models", refs: { team_id: "teams" }, unique: [["name"]], cascadeFrom: [] },
  model_overrides: { kind: "model_overrides", refs: {}, unique: [["name"]], cascadeFrom: [] },
  // Optional references never cascade (see RELATIONS), so a scope target with policies attached cannot be deleted until they are.
  policies: {
    kind: "policies",
    refs: { team_id: "teams", service_id: "services", route_id: "routes", application_id: "applications" },
    unique: [["name"]],
    cascadeFrom: [],
  },
  // A prompt API is part of its service: deleting the service deletes it, like its routes.
  prompt_apis: { kind: "prompt_apis", refs: { service_id: "services" }, unique: [["name"], ["service_id", "path"]], cascadeFrom: ["services"] },
};
