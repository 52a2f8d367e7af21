/**
 * The credential part of a snapshot: API keys by hash, JWT credentials by
 * issuer with their verifiers ready (static keys imported, remote key sets
 * taken from the registry so their caches survive recompiles).
 */
import type { Application, Credential } from "../config/entities.ts";
import type { SecretBox } from "../core/secrets.ts";
import { JwksRegistry } from "../policies/auth/jwks-registry.ts";
import { staticKey } from "../policies/auth/jwt-keys.ts";
import { JwtVerifier } from "../policies/auth/jwt-verifier.ts";
import type { CredentialEntry, JwtCredentialEntry } from "./snapshot.ts";

export interface CompiledCredentials {
  credentials: Map<string, CredentialEntry>;
  jwtIssuers: Map<string, JwtCredentialEntry[]>;
}

const specificity = (e: JwtCredentialEntry) => (e.subject !== undefined ? 1 : 0) + e.claims.length;

export function compileCredentials(
  list: readonly Credential[],
  applications: readonly Application[],
  secrets: SecretBox | undefined,
  jwks: JwksRegistry,
): CompiledCredentials {
  const apps = new Map(applications.map((a) => [a.id, a] as const));
  const credentials = new Map<string, CredentialEntry>();
  const jwtIssuers = new Map<string, JwtCredentialEntry[]>();
  const usedSets = new Set<string>();
  for (const c of list) {
    const entry: CredentialEntry = {
      credentialId: c.id,
      applicationId: c.application_id,
      applicationName: apps.get(c.application_id)?.name ?? "",
      applicationTeamId: apps.get(c.application_id)?.team_id,
      enabled: c.enabled,
      expiresAt: c.expires_at ? Date.parse(c.expires_at) : undefined,
    };
    if (c.kind !== "jwt" || !c.jwt) {
      credentials.set(c.key_hash, entry);
      continue;
    }
    const jwt = c.jwt;
    let verifier: JwtVerifier;
    try {
      const remote = jwt.jwks_url === undefined ? undefined : { url: jwt.jwks_url, cacheSeconds: jwt.jwks_cache_seconds, cooldownSeconds: jwt.jwks_cooldown_seconds };
      if (remote) usedSets.add(JwksRegistry.keyOf(remote));
      verifier = new JwtVerifier(jwt, jwt.keys.map((k) => staticKey(k, secrets)), remote && jwks.get(remote));
    } catch (err) {
      // One unusable credential (say, a secret sealed under another master key) must not stop every other change from going live.
      console.error(`[waygate] jwt credential ${c.name} skipped: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const sameIssuer = jwtIssuers.get(jwt.issuer) ?? [];
    sameIssuer.push({ ...entry, verifier, subject: jwt.subject, claims: Object.entries(jwt.claims) });
    jwtIssuers.set(jwt.issuer, sameIssuer);
  }
  for (const sameIssuer of jwtIssuers.values()) sameIssuer.sort((a, b) => specificity(b) - specificity(a));
  jwks.retain(usedSets);
  return { credentials, jwtIssuers };
}
