/**
 * Finds the credential a JWT belongs to: its `iss` names the issuer's
 * credentials on the snapshot, their required subject and claims pick the
 * candidates, and the first candidate whose keys verify the token wins.
 * Picking looks at the unverified payload only to choose which keys to
 * verify with; nothing is trusted until the signature has verified.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from "jose";
import { WaygateError } from "../../core/errors.ts";
import type { JwtCredentialEntry, Snapshot } from "../../snapshot/snapshot.ts";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

const invalid = (message: string) => new WaygateError("invalid_credential", message);

export function looksLikeJwt(value: string): boolean {
  return JWT_SHAPE.test(value);
}

function matches(entry: JwtCredentialEntry, payload: JWTPayload): boolean {
  if (entry.subject !== undefined && payload.sub !== entry.subject) return false;
  return entry.claims.every(([name, value]) => payload[name] === value);
}

export async function identifyJwt(token: string, snapshot: Snapshot): Promise<JwtCredentialEntry | WaygateError> {
  let header: ProtectedHeaderParameters;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    return invalid("the credential is not a well-formed JWT");
  }
  if (typeof payload.iss !== "string") return invalid("the token has no issuer (iss)");
  const candidates = (snapshot.jwtIssuers.get(payload.iss) ?? []).filter((e) => matches(e, payload));
  if (candidates.length === 0) return invalid("the token's issuer, subject or claims match no credential");
  let firstRefusal: WaygateError | undefined;
  for (const entry of candidates) {
    const verified = await entry.verifier.verify(token, header);
    if (!(verified instanceof WaygateError)) return entry;
    firstRefusal ??= verified;
  }
  return firstRefusal!;
}
