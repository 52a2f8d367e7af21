/**
 * The shapes the admin API returns, derived from the entity input schemas
 * so the OpenAPI document can never drift from validation.
 */
import { z } from "zod";
import { ProviderInput, ProviderKeySpec } from "../config/ai-entities.ts";
import { JwtFields, JwtKeyFields } from "../config/auth-entities.ts";
import { CredentialInput, INPUT_SCHEMAS, type Kind } from "../config/entities.ts";
import { ERROR_STATUS } from "../core/errors.ts";

const meta = {
  id: z.string().describe("Server-assigned id (or the one given on create)"),
  created_at: z.string().describe("ISO 8601 timestamp"),
  updated_at: z.string().describe("ISO 8601 timestamp"),
};

export const SINGULAR: Record<Kind, string> = {
  teams: "Team",
  upstreams: "Upstream",
  services: "Service",
  routes: "Route",
  applications: "Application",
  credentials: "Credential",
  subscriptions: "Subscription",
  providers: "Provider",
  virtual_models: "VirtualModel",
  model_overrides: "ModelOverride",
  policies: "Policy",
  prompt_apis: "PromptApi",
};

const PublicJwtKey = JwtKeyFields.omit({ secret: true }).extend({
  secret_hint: z.string().optional().describe("The last characters of an HMAC secret; the secret itself is never returned"),
});

const PublicCredential = CredentialInput.omit({ key: true }).extend({
  ...meta,
  jwt: JwtFields.extend({ keys: z.array(PublicJwtKey) }).optional(),
  key_prefix: z.string().describe("The first characters of the key, to recognise it; the key itself is never returned after create"),
});

const PublicProviderKey = ProviderKeySpec.omit({ secret: true, session_token: true }).extend({
  secret_hint: z.string().optional().describe("The last characters of the secret, to tell keys apart; the secret itself is never returned"),
});

const PublicProvider = ProviderInput.extend({ ...meta, keys: z.array(PublicProviderKey) });

/** What a read returns for each kind. */
export function entitySchema(kind: Kind): z.ZodType {
  if (kind === "credentials") return PublicCredential;
  if (kind === "providers") return PublicProvider;
  return INPUT_SCHEMAS[kind].extend(meta);
}

export const CredentialCreated = PublicCredential.extend({
  key: z.string().describe("The plaintext API key. Shown only in this response; store it now."),
});

export function pageSchema(kind: Kind): z.ZodType {
  return z.object({
    data: z.array(entitySchema(kind)),
    next: z.string().nullable().describe("Cursor for the next page; null on the last page"),
    total: z.number().int().describe("Number of entities matching the filters"),
  });
}

export const ErrorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [string, ...string[]]).describe("Stable, machine-readable error code"),
    message: z.string(),
    request_id: z.string().optional(),
    details: z.array(z.object({ path: z.string().describe("Dotted field path, e.g. targets.0.url"), message: z.string() })).optional(),
  }),
});

export const StatusSchema = z.object({
  revision: z.number().int().describe("The store's current configuration revision"),
  dialect: z.enum(["sqlite", "postgres"]),
  version: z.string(),
});

export const DeletedSchema = z.object({ id: z.string(), deleted: z.literal(true) });

export const TargetHealthSchema = z.array(z.record(z.string(), z.unknown())).describe("Per-target health as the gateway sees it");
