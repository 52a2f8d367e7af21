/**
 * Everything that makes up one service as published: the service itself
 * and what hangs off it. A release freezes one of these; an OpenAPI export
 * is generated from one; the catalog shows one. Kept as plain validated
 * documents so a frozen copy means exactly what the live entities meant.
 */
import type { PolicyEntity, PromptApi, Route, Service, Upstream } from "./entities.ts";

export interface ServiceContent {
  service: Service;
  routes: Route[];
  /** The service's own upstream, if it has one. */
  upstream: Upstream | null;
  /** Policies attached to the service or to one of its routes. */
  policies: PolicyEntity[];
  /** Prompt APIs published under the service (AI services). */
  prompt_apis: PromptApi[];
}
