/**
 * Where a service reads the caller's credential: `Authorization: Bearer`, a
 * named header, or a query parameter, tried in the configured order. Hiding
 * removes the credential from every configured location that carries one,
 * so a second copy (say, in the query) cannot reach the upstream either.
 */
import type { CredentialLocationSpec } from "../../config/auth-entities.ts";
import type { RequestContext } from "../../gateway/context.ts";
import { withoutQueryParams } from "../../gateway/upstream-path.ts";

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** What a 401 tells the client about where the credential goes. */
export function describeLocations(locations: readonly CredentialLocationSpec[]): string {
  return locations
    .map((l) => (l === "bearer" ? "Authorization: Bearer <credential>" : "header" in l ? `${l.header} header` : `?${l.query}=`))
    .join(" or ");
}

function queryValue(query: string, name: string): string | undefined {
  if (query.length < 2) return undefined;
  const value = new URLSearchParams(query).get(name);
  return value === null || value === "" ? undefined : value;
}

function valueAt(ctx: RequestContext, location: CredentialLocationSpec): string | undefined {
  if (location === "bearer") {
    const auth = ctx.req.headers.get("authorization");
    return auth ? BEARER.exec(auth)?.[1] : undefined;
  }
  if ("header" in location) {
    const value = ctx.req.headers.get(location.header)?.trim();
    return value ? value : undefined;
  }
  return queryValue(ctx.query, location.query);
}

/** The credential from the first location that carries one. */
export function readCredential(ctx: RequestContext, locations: readonly CredentialLocationSpec[]): string | undefined {
  for (const location of locations) {
    const value = valueAt(ctx, location);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Keeps every configured location's credential away from the upstream (a non-Bearer Authorization stays: it is not ours). */
export function hideCredentials(ctx: RequestContext, locations: readonly CredentialLocationSpec[]): void {
  const params: string[] = [];
  for (const location of locations) {
    if (location !== "bearer" && "query" in location) {
      params.push(location.query);
      continue;
    }
    const present = location === "bearer" ? valueAt(ctx, location) !== undefined : ctx.req.headers.has(location.header);
    if (present) (ctx.dropHeaders ??= new Set()).add(location === "bearer" ? "authorization" : location.header.toLowerCase());
  }
  if (params.length > 0 && ctx.query.length > 1) ctx.query = withoutQueryParams(ctx.query, params);
}
