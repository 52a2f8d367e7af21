/**
 * Admin endpoints beyond entity CRUD, each in its own module, mounted by
 * the first path segment after /admin (e.g. /admin/calls/…) in the list at
 * the bottom. The handler authenticates the caller first and passes the
 * teams it may see; every extension filters what it returns by that scope.
 */
import type { Caller } from "../identity/caller.ts";
import { lifecycleRoute } from "../lifecycle/api.ts";
import { releasesRoute } from "../releases/api.ts";
import { catalogRoute } from "../catalog/admin.ts";
import { openapiRoute } from "../openapi-io/admin.ts";
import type { Store } from "../store/store.ts";
import type { PromptApiServices } from "../prompt-apis/admin/services.ts";
import { promptApisRoute } from "../prompt-apis/admin/route.ts";
import { type AnalyticsServices, analyticsRoute } from "./analytics.ts";
import { budgetAlertsRoute } from "./budget-alerts.ts";
import { type CallLogServices, callsRoute } from "./calls.ts";
import type { Result } from "./resources.ts";
import type { TeamScope } from "./scope.ts";

/**
 * What extensions may need besides the store; filled in by `waygate serve`.
 * Each extension adds its own optional field and answers 503/404 without it.
 */
export interface AdminServices {
  /** The call log (src/control/calls.ts); absent with --no-call-log. */
  calls?: CallLogServices;
  /** Rollups and health events for /admin/analytics (the configuration store's tables when absent). */
  analytics?: AnalyticsServices;
  /** The gateway's public URL, the server of exported OpenAPI documents (WAYGATE_PUBLIC_URL when absent). */
  publicUrl?: string;
  /** The running gateway, for trying prompt APIs (/admin/prompt-apis/:id/try answers 503 without it). */
  promptApis?: PromptApiServices;
}

export interface AdminCall {
  req: Request;
  url: URL;
  /** Decoded path segments after the mount segment (`/admin/calls/x/y` → ["x", "y"]). */
  rest: readonly string[];
  scope: TeamScope;
  /** Who is asking; always set by the admin handler (extensions that check per-entity roles or audit themselves need it). */
  caller?: Caller;
  store: Store;
  services: AdminServices;
}

/** A JSON result, or a ready Response for other media types (NDJSON, CSV exports). */
export type AdminRoute = (call: AdminCall) => Promise<Result | Response>;

/** Mount segment → route. */
export const ADMIN_EXTENSIONS: Readonly<Record<string, AdminRoute>> = {
  calls: callsRoute,
  analytics: analyticsRoute,
  "budget-alerts": budgetAlertsRoute,
  openapi: openapiRoute,
  catalog: catalogRoute,
  releases: releasesRoute,
  lifecycle: lifecycleRoute,
  "prompt-apis": (call) => promptApisRoute(call, call.services.promptApis),
};

/** Extensions that write their own audit entries, in the change's transaction; the handler adds none for them. */
export const SELF_AUDITED: ReadonlySet<string> = new Set(["releases", "lifecycle", "prompt-apis", "openapi", "catalog"]);
