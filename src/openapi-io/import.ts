/**
 * POST /admin/openapi/import: creates a service from an API description,
 * or brings an existing service's routes in line with one — new operations
 * become routes, changed ones are updated, and routes the document no
 * longer has are deleted only with `prune`. Everything lands in one store
 * transaction, or nothing does; `dry_run` answers with the same plan and
 * writes nothing. A caller acts only on the teams of its scope.
 */
import type { Kind, Service, Team, Upstream } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import { findByIdOrName } from "../control/lookup.ts";
import { createEntity, deleteEntity, patchEntity, publicView, type Result } from "../control/resources.ts";
import { inScope, type TeamScope } from "../control/scope.ts";
import { SERVICE_MANAGERS } from "../identity/access.ts";
import type { Caller } from "../identity/caller.ts";
import { canSee } from "../identity/principal.ts";
import type { Store, StoreOps } from "../store/store.ts";
import { allWhere } from "../store/all-where.ts";
import { type ChangeLog, changeLog } from "./change-log.ts";
import { type ImportOptions, readImportOptions } from "./import-options.ts";
import { planRoutes, planView, type RoutePlan } from "./import-plan.ts";
import { specBasePath, specOperations } from "./operations.ts";
import { type MappedRoute, mapOperations } from "./route-mapping.ts";
import { isObject, type LoadedSpec, loadSpec } from "./spec.ts";
import { specIssues } from "./validate-spec.ts";
import { planPolicy, type PolicyPlan, validationPolicyName } from "./validation-policy.ts";

interface Target {
  /** The service to update, or null when one is created. */
  service: Service | null;
  name: string;
  team: Team | null;
  upstream: Upstream | null;
  warnings: string[];
}

function missingReference(field: string, what: string): WaygateError {
  return new WaygateError("reference_not_found", `${field}: ${what} not found`, { details: [{ path: field, message: "not found" }] });
}

async function loadValid(input: ImportOptions["spec"]): Promise<LoadedSpec> {
  const loaded = loadSpec(input);
  const issues = loaded.ok ? await specIssues(loaded.spec) : loaded.issues;
  if (!loaded.ok || issues.length > 0) throw new WaygateError("validation_failed", "invalid API description", { details: issues });
  return loaded.spec;
}

async function teamFor(ops: StoreOps, scope: TeamScope, ref: string | undefined): Promise<Team | null> {
  if (ref === undefined) {
    if (scope.kind === "all") return null;
    const [only, ...more] = [...scope.teams];
    if (only === undefined || more.length > 0) {
      throw new WaygateError("validation_failed", "a new service needs its team", { details: [{ path: "team_id", message: "required: you manage services of several teams" }] });
    }
    return ops.get("teams", only);
  }
  const team = await findByIdOrName(ops, "teams", ref);
  if (!team || !inScope(scope, team.id)) throw missingReference("team_id", `teams '${ref}'`);
  return team;
}

async function resolveTarget(ops: StoreOps, scope: TeamScope, options: ImportOptions, caller: Caller | undefined): Promise<Target> {
  const existing = await findByIdOrName(ops, "services", options.service);
  if (existing) {
    if (!inScope(scope, existing.team_id)) {
      // A service of one of the caller's teams is theirs to see, just not to change; any other reads as missing.
      if (caller && canSee(caller.principal, existing.team_id ?? null)) {
        throw new WaygateError("forbidden", `importing into service '${existing.name}' needs one of ${SERVICE_MANAGERS.join(", ")} in its team`);
      }
      throw new WaygateError("not_found", `services '${options.service}' not found`);
    }
    const ignored = (["team_id", "upstream_id", "target_url"] as const).filter((f) => options[f] !== undefined);
    const warnings = ignored.length > 0 ? [`${ignored.join(", ")} apply only when a service is created; the existing service keeps its own`] : [];
    return { service: existing, name: existing.name, team: null, upstream: null, warnings };
  }
  if ((options.upstream_id === undefined) === (options.target_url === undefined)) {
    throw new WaygateError("validation_failed", `no service '${options.service}' exists; creating it needs exactly one of upstream_id or target_url`, {
      details: [{ path: options.upstream_id === undefined ? "target_url" : "upstream_id", message: "give exactly one of upstream_id or target_url" }],
    });
  }
  const team = await teamFor(ops, scope, options.team_id);
  let upstream: Upstream | null = null;
  if (options.upstream_id !== undefined) {
    upstream = await findByIdOrName(ops, "upstreams", options.upstream_id);
    if (!upstream || !inScope(scope, upstream.team_id)) throw missingReference("upstream_id", `upstreams '${options.upstream_id}'`);
  }
  return { service: null, name: options.service, team, upstream, warnings: [] };
}

function description(spec: LoadedSpec): string {
  const info = isObject(spec.doc.info) ? spec.doc.info : {};
  const text = typeof info.description === "string" ? info.description : typeof info.title === "string" ? info.title : "";
  return text.slice(0, 2000);
}

function routeDocument(serviceId: string, m: MappedRoute): Record<string, unknown> {
  return { name: m.name, service_id: serviceId, methods: [m.method], paths: [m.path], prefix: false, ...(m.rewrite !== undefined ? { rewrite: m.rewrite } : {}) };
}

/** Entity writes of one import, each recorded in the audit log under the service's team. */
interface Writer {
  create(kind: Kind, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  patch(kind: Kind, before: { id: string }, body: Record<string, unknown>): Promise<void>;
  remove(kind: Kind, before: { id: string }): Promise<void>;
}

function writer(store: Store, log: ChangeLog, teamId: string | undefined): Writer {
  const teams = teamId !== undefined ? [teamId] : [];
  return {
    async create(kind, body) {
      const created = (await createEntity(store, kind, body)).body as Record<string, unknown>;
      await log({ action: "create", kind, entityId: String(created.id), after: created, teams });
      return created;
    },
    async patch(kind, before, body) {
      const after = (await patchEntity(store, kind, before.id, body)).body;
      await log({ action: "patch", kind, entityId: before.id, before: publicView(kind, before as never), after, teams });
    },
    async remove(kind, before) {
      await deleteEntity(store, kind, before.id);
      await log({ action: "delete", kind, entityId: before.id, before: publicView(kind, before as never), teams });
    },
  };
}

/** Writes the plan; the caller runs this inside one store transaction. */
async function apply(store: Store, log: ChangeLog, target: Target, spec: LoadedSpec, options: ImportOptions, plan: RoutePlan, policy: PolicyPlan | null): Promise<Service> {
  let service = target.service;
  const write = writer(store, log, service?.team_id ?? target.team?.id);
  if (!service) {
    let upstreamId = target.upstream?.id;
    if (options.target_url !== undefined) {
      const created = await write.create("upstreams", {
        name: target.name,
        ...(target.team ? { team_id: target.team.id } : {}),
        targets: [{ url: options.target_url }],
      });
      upstreamId = String(created.id);
    }
    service = (await write.create("services", {
      name: target.name,
      ...(target.team ? { team_id: target.team.id } : {}),
      ...(upstreamId !== undefined ? { upstream_id: upstreamId } : {}),
      base_path: specBasePath(spec),
      description: description(spec),
    })) as unknown as Service;
  }
  for (const m of plan.create) await write.create("routes", routeDocument(service.id, m));
  for (const { route, mapped } of plan.update) {
    await write.patch("routes", route, { methods: [mapped.method], paths: [mapped.path], prefix: false, strip_path: false, rewrite: mapped.rewrite ?? null });
  }
  for (const route of plan.delete) await write.remove("routes", route);
  if (policy?.action === "create") await write.create("policies", policy.document(service.id));
  // Only the document is refreshed: the policy's other settings (unknown_operation) stay as its owners set them.
  if (policy?.action === "update" && policy.existing) await write.patch("policies", policy.existing, { config: { spec: policy.document(service.id).config.spec } });
  return service;
}

/**
 * With a caller, every entity written is in the audit log, in the same
 * transaction; a dry run writes nothing and records nothing.
 */
export async function importOpenApi(store: Store, scope: TeamScope, body: unknown, caller?: Caller): Promise<Result> {
  const options = readImportOptions(body);
  const spec = await loadValid(options.spec);
  if (options.validate_requests && spec.version === "2.0") {
    throw new WaygateError("validation_failed", "request validation needs an OpenAPI 3.x document", {
      details: [{ path: "validate_requests", message: "the openapi_validation policy reads OpenAPI 3.0 and 3.1 documents, not Swagger 2.0" }],
    });
  }
  const operations = specOperations(spec.doc);
  const run = async (ops: StoreOps, log: ChangeLog): Promise<Result> => {
    const target = await resolveTarget(ops, scope, options, caller);
    const mapping = mapOperations(target.name, operations, options.path_prefix ?? "");
    const existing = target.service ? await allWhere(ops, "routes", { service_id: target.service.id }) : [];
    const plan = await planRoutes(ops, target.service?.id ?? null, existing, mapping.routes, options.prune);
    const policy = options.validate_requests ? await planPolicy(ops, target.service, validationPolicyName(target.name), spec.doc) : null;
    const service = options.dry_run ? target.service : await apply(store, log, target, spec, options, plan, policy);
    const created = target.service === null && !options.dry_run;
    return {
      status: created ? 201 : 200,
      body: {
        dry_run: options.dry_run,
        spec: { version: spec.version, operations: operations.length },
        service: { id: service?.id ?? null, name: target.name, created: target.service === null, base_path: service?.base_path ?? specBasePath(spec) },
        upstream: target.service === null ? { name: options.target_url !== undefined ? target.name : (target.upstream?.name ?? null), created: options.target_url !== undefined } : null,
        routes: planView(plan),
        policy: policy ? { name: policy.name, action: policy.action } : null,
        warnings: [...target.warnings, ...mapping.warnings],
      },
    };
  };
  return options.dry_run ? run(store, async () => {}) : store.transaction((tx, q) => run(tx, changeLog(caller, q)));
}
