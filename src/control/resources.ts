/**
 * CRUD over every entity kind, the same way for each: validate with the
 * kind's input schema, resolve references given by name, let the store
 * enforce references and uniqueness.
 */
import type { z } from "zod";
import type { Provider, ProviderInput } from "../config/ai-entities.ts";
import { INPUT_SCHEMAS, type Credential, type CredentialInput, type EntityMap, type Kind, type PolicyInput } from "../config/entities.ts";
import { KIND_DESCRIPTORS } from "../config/kinds.ts";
import { WaygateError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import type { SecretBox } from "../core/secrets.ts";
import { editableProviderKeys, publicProvider, sealProviderKeys } from "../config/provider-keys.ts";
import type { EntityData, ListQuery, Store, StoreOps } from "../store/store.ts";
import { checkPolicy } from "../policies/entity.ts";
import { type PolicyKindLookup, policyKind } from "../policies/registry.ts";
import { editableCredential, prepareCredential, publicCredential } from "./credentials.ts";
import { zodIssues } from "./issues.ts";
import { findByIdOrName, resolveRefs } from "./lookup.ts";
import { mergePatch } from "./merge-patch.ts";
import { ALL_TEAMS, type TeamScope } from "./scope.ts";
import { listInTeams } from "../identity/scoped-list.ts";
import { initialSubscription } from "./subscription-actions.ts";

export interface Result {
  status: number;
  body: unknown;
}

/** What writes need besides the store: the box provider secrets are sealed with (absent: secrets are refused). */
export interface WriteContext {
  secrets?: SecretBox;
  /** Where `policies` documents find their kind; the built-in registry by default. */
  policyKinds?: PolicyKindLookup;
}

/** Server-managed fields a client may echo back from a read; they are ignored on write. */
const READ_ONLY = ["created_at", "updated_at", "key_prefix"] as const;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Query parameters usable as list filters: the kind's reference fields, and `name` where it has one. */
export function filterFields(kind: Kind): string[] {
  const fields = Object.keys(KIND_DESCRIPTORS[kind].refs);
  return kind === "subscriptions" ? fields : ["name", ...fields];
}

export function publicView<K extends Kind>(kind: K, entity: EntityMap[K]): unknown {
  if (kind === "credentials") return publicCredential(entity as Credential);
  if (kind === "providers") return publicProvider(entity as Provider);
  return entity;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!isObject(body)) {
    throw new WaygateError("validation_failed", "request body must be a JSON object", {
      details: [{ path: "", message: "expected an object" }],
    });
  }
  return body;
}

function withoutReadOnly(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const field of READ_ONLY) delete out[field];
  // A provider read shows each key's secret_hint; echoing it back is harmless.
  if (Array.isArray(out.keys)) out.keys = out.keys.map((k: unknown) => (isObject(k) ? withoutField(k, "secret_hint") : k));
  return out;
}

function withoutField(o: Record<string, unknown>, field: string): Record<string, unknown> {
  const { [field]: _dropped, ...rest } = o;
  return rest;
}

function parseInput(kind: Kind, body: unknown, ctx: WriteContext): Record<string, unknown> {
  const schema: z.ZodType = INPUT_SCHEMAS[kind];
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new WaygateError("validation_failed", `invalid ${kind} document`, { details: zodIssues(result.error) });
  }
  if (kind === "policies") return parsePolicy(result.data as z.output<typeof PolicyInput>, ctx);
  return result.data as Record<string, unknown>;
}

/** The kind's parsed config is what gets stored, so the compiler never sees an unvalidated one. */
function parsePolicy(doc: z.output<typeof PolicyInput>, ctx: WriteContext): Record<string, unknown> {
  const checked = checkPolicy(doc, ctx.policyKinds ?? policyKind);
  if (!checked.ok) throw new WaygateError("validation_failed", "invalid policies document", { details: checked.issues });
  return { ...doc, config: checked.config };
}

/** Turns validated input into what the store keeps; credentials swap their key for its hash, providers seal their secrets. */
function toStoreData<K extends Kind>(
  kind: K,
  input: Record<string, unknown>,
  ctx: WriteContext,
  existing?: EntityMap[K],
): { data: EntityData<K>; key?: string } {
  if (kind === "providers") {
    const provider = input as z.output<typeof ProviderInput>;
    const keys = sealProviderKeys(provider.keys, (existing as Provider | undefined)?.keys ?? [], ctx.secrets);
    return { data: { ...provider, keys } as unknown as EntityData<K> };
  }
  if (kind !== "credentials") return { data: input as EntityData<K> };
  const prepared = prepareCredential(input as z.output<typeof CredentialInput>, existing as Credential | undefined, ctx.secrets);
  return { data: prepared.data as EntityData<K>, ...(prepared.key !== undefined ? { key: prepared.key } : {}) };
}

function storedDocument(kind: Kind, entity: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, created_at: _c, updated_at: _u, key_hash: _h, key_prefix: _p, ...doc } = entity;
  if (kind === "providers") doc.keys = editableProviderKeys((entity as unknown as Provider).keys);
  if (kind === "credentials") return editableCredential(doc);
  return doc;
}

async function mustFind<K extends Kind>(ops: StoreOps, kind: K, ref: string): Promise<EntityMap[K]> {
  const found = await findByIdOrName(ops, kind, ref);
  if (!found) throw new WaygateError("not_found", `${kind} '${ref}' not found`);
  return found;
}

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new WaygateError("validation_failed", "invalid query parameter", {
      details: [{ path: "limit", message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }],
    });
  }
  return n;
}

/** With a team scope, only entities of those teams are listed and counted. */
export async function listEntities(store: Store, kind: Kind, params: URLSearchParams, scope: TeamScope = ALL_TEAMS): Promise<Result> {
  const allowed = new Set(["limit", "cursor", ...filterFields(kind)]);
  for (const key of params.keys()) {
    if (!allowed.has(key)) {
      throw new WaygateError("bad_request", `unknown query parameter '${key}'; allowed: ${[...allowed].join(", ")}`);
    }
  }
  const query: ListQuery = { limit: parseLimit(params.get("limit")) };
  const cursor = params.get("cursor");
  if (cursor) query.cursor = cursor;
  const where: Record<string, string> = {};
  for (const field of filterFields(kind)) {
    const value = params.get(field);
    if (value !== null) where[field] = value;
  }
  if (Object.keys(where).length > 0) query.where = (await resolveRefs(store, kind, where)) as Record<string, string>;
  const page = scope.kind === "all" ? await store.list(kind, query) : await listInTeams(store.db, kind, query, scope.teams);
  return { status: 200, body: { data: page.items.map((e) => publicView(kind, e)), next: page.next ?? null, total: page.total } };
}

export async function getEntity(store: Store, kind: Kind, ref: string): Promise<Result> {
  return { status: 200, body: publicView(kind, await mustFind(store, kind, ref)) };
}

export async function createEntity(store: Store, kind: Kind, body: unknown, ctx: WriteContext = {}): Promise<Result> {
  const { id, ...rest } = withoutReadOnly(requireObject(body));
  if (id !== undefined && (typeof id !== "string" || !ID_PATTERN.test(id))) {
    throw new WaygateError("validation_failed", "invalid id", {
      details: [{ path: "id", message: "must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit" }],
    });
  }
  return store.transaction(async (tx) => {
    const parsed = parseInput(kind, await resolveRefs(tx, kind, rest), ctx);
    const input = kind === "subscriptions" ? await initialSubscription(tx, parsed) : parsed;
    const { data, key } = toStoreData(kind, input, ctx);
    const created = await tx.create(kind, data, typeof id === "string" ? id : newId());
    const view = publicView(kind, created) as Record<string, unknown>;
    return { status: 201, body: key !== undefined ? { ...view, key } : view };
  });
}

export async function replaceEntity(store: Store, kind: Kind, ref: string, body: unknown, ctx: WriteContext = {}): Promise<Result> {
  const { id, ...rest } = withoutReadOnly(requireObject(body));
  return store.transaction(async (tx) => {
    const existing = await mustFind(tx, kind, ref);
    if (id !== undefined && id !== existing.id) {
      throw new WaygateError("validation_failed", "the id of an entity cannot change", {
        details: [{ path: "id", message: `must be '${existing.id}' or absent` }],
      });
    }
    const input = parseInput(kind, await resolveRefs(tx, kind, rest), ctx);
    return write(tx, kind, existing, input, ctx);
  });
}

export async function patchEntity(store: Store, kind: Kind, ref: string, patch: unknown, ctx: WriteContext = {}): Promise<Result> {
  const { id, ...rest } = withoutReadOnly(requireObject(patch));
  return store.transaction(async (tx) => {
    const existing = await mustFind(tx, kind, ref);
    if (id !== undefined && id !== existing.id) {
      throw new WaygateError("validation_failed", "the id of an entity cannot change", {
        details: [{ path: "id", message: `must be '${existing.id}' or absent` }],
      });
    }
    const merged = mergePatch(storedDocument(kind, existing as unknown as Record<string, unknown>), await resolveRefs(tx, kind, rest));
    return write(tx, kind, existing, parseInput(kind, merged, ctx), ctx);
  });
}

async function write<K extends Kind>(tx: StoreOps, kind: K, existing: EntityMap[K], input: Record<string, unknown>, ctx: WriteContext): Promise<Result> {
  // A key sent on update rotates the credential; the caller already knows it, so it is not echoed.
  const { data } = toStoreData(kind, input, ctx, existing);
  const updated = await tx.update(kind, existing.id, data);
  return { status: 200, body: publicView(kind, updated) };
}

export async function deleteEntity(store: Store, kind: Kind, ref: string): Promise<Result> {
  return store.transaction(async (tx) => {
    const existing = await mustFind(tx, kind, ref);
    await tx.delete(kind, existing.id);
    return { status: 200, body: { id: existing.id, deleted: true } };
  });
}
