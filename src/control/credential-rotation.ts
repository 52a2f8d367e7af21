/**
 * Key rotation with an overlap: a new key for the same application, while the
 * old one keeps working until the overlap ends, so clients can switch without
 * downtime. Revocation needs no endpoint of its own: PATCH `{enabled:false}`
 * stops a key at once, DELETE removes it. JWT credentials rotate their
 * signing keys instead (several keys, told apart by kid, may be valid at once).
 */
import type { Credential } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import { generateApiKey, hashApiKey, keyPrefix } from "../core/keys.ts";
import { newId } from "../core/ids.ts";
import type { EntityData, Store } from "../store/store.ts";
import { publicCredential } from "./credentials.ts";
import type { Result } from "./resources.ts";

export const DEFAULT_OVERLAP_SECONDS = 86_400;
/** 30 days: a longer overlap is a second long-lived key, not a rotation. */
export const MAX_OVERLAP_SECONDS = 2_592_000;
const MAX_NAME = 128;

export interface RotateOptions {
  overlapSeconds: number;
  name?: string;
}

function invalid(path: string, message: string): WaygateError {
  return new WaygateError("validation_failed", "invalid rotation request", { details: [{ path, message }] });
}

export function readRotateBody(body: Record<string, unknown>): RotateOptions {
  for (const field of Object.keys(body)) {
    if (field !== "overlap_seconds" && field !== "name") throw invalid(field, "unknown field; allowed: overlap_seconds, name");
  }
  const overlap = body.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS;
  if (typeof overlap !== "number" || !Number.isInteger(overlap) || overlap < 0 || overlap > MAX_OVERLAP_SECONDS) {
    throw invalid("overlap_seconds", `must be an integer from 0 to ${MAX_OVERLAP_SECONDS}`);
  }
  const name = body.name;
  if (name === undefined) return { overlapSeconds: overlap };
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME) {
    throw invalid("name", `must be a string of 1 to ${MAX_NAME} characters`);
  }
  return { overlapSeconds: overlap, name };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** `<old>-rotated-<yyyymmddhhmmss>`, the old name shortened so the result still fits. */
export function rotatedName(oldName: string, now: Date): string {
  const suffix = `-rotated-${stamp(now)}`;
  return oldName.slice(0, MAX_NAME - suffix.length) + suffix;
}

/**
 * Rotates the credential with this id in one transaction. 404 when there is
 * none; 409 invalid_transition when it is disabled or already expired, since
 * rotating a dead key would quietly bring the application's access back.
 */
export async function rotateCredential(store: Store, id: string, opts: RotateOptions, now: () => Date = () => new Date()): Promise<Result> {
  return store.transaction(async (tx) => {
    const old = await tx.get("credentials", id);
    if (!old) throw new WaygateError("not_found", `credentials '${id}' not found`);
    const at = now();
    if (old.kind === "jwt") {
      throw new WaygateError("invalid_transition", "a jwt credential has no key to rotate: add the new signing key to jwt.keys (or publish it in the JWKS), then remove the old one");
    }
    if (!old.enabled) throw new WaygateError("invalid_transition", "cannot rotate a disabled credential");
    const oldExpiry = old.expires_at === undefined ? undefined : Date.parse(old.expires_at);
    if (oldExpiry !== undefined && oldExpiry <= at.getTime()) {
      throw new WaygateError("invalid_transition", "cannot rotate an expired credential");
    }
    const overlapEnd = at.getTime() + opts.overlapSeconds * 1000;
    const key = generateApiKey();
    const fresh: EntityData<"credentials"> = {
      name: opts.name ?? rotatedName(old.name, at),
      application_id: old.application_id,
      kind: old.kind,
      enabled: old.enabled,
      key_hash: hashApiKey(key),
      key_prefix: keyPrefix(key),
      ...(old.expires_at !== undefined && oldExpiry !== undefined && oldExpiry > overlapEnd ? { expires_at: old.expires_at } : {}),
    };
    // The old key is cut first: if creating the new one fails (a duplicate name), the transaction undoes the cut.
    const previous = await tx.update("credentials", old.id, {
      ...storedFields(old),
      expires_at: oldExpiry !== undefined && oldExpiry <= overlapEnd ? (old.expires_at as string) : new Date(overlapEnd).toISOString(),
    });
    const created = await tx.create("credentials", fresh, newId());
    return { status: 201, body: { credential: { ...publicCredential(created), key }, previous: publicCredential(previous) } };
  });
}

function storedFields(c: Credential): EntityData<"credentials"> {
  const { id: _id, created_at: _c, updated_at: _u, ...doc } = c;
  return doc;
}
