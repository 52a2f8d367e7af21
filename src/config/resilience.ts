/**
 * The resilience settings shared by upstreams (entities.ts) and AI providers
 * (ai-entities.ts). They live apart so that entities.ts can register the AI
 * kinds without the two schema modules importing each other.
 */
import { z } from "zod";

const durationMs = z.number().int().min(1).max(3_600_000);

export const OutlierDetectionSpec = z.strictObject({
  enabled: z.boolean().default(true),
  /** Consecutive failures of any kind (connect, timeout, 5xx) before ejection. */
  consecutive_failures: z.number().int().min(1).max(1000).default(5),
  /** Consecutive gateway errors (502/503/504 and connect failures) before ejection. */
  consecutive_gateway_errors: z.number().int().min(1).max(1000).default(3),
  base_ejection_ms: durationMs.default(30_000),
  max_ejection_ms: durationMs.default(300_000),
  /** Never eject more than this share of the upstream's targets at once. */
  max_ejection_percent: z.number().int().min(0).max(100).default(50),
});

export const CircuitBreakerSpec = z.strictObject({
  enabled: z.boolean().default(true),
  window_ms: durationMs.default(10_000),
  minimum_calls: z.number().int().min(1).max(100_000).default(20),
  failure_rate_percent: z.number().min(1).max(100).default(50),
  open_ms: durationMs.default(10_000),
  half_open_probes: z.number().int().min(1).max(1000).default(3),
  /** Calls slower than this count as failures; 0 disables. */
  slow_call_ms: z.number().int().min(0).max(3_600_000).default(0),
});

export const TimeoutsSpec = z.strictObject({
  connect_ms: durationMs.default(3000),
  /** Time to the first byte of the response (status line and headers). */
  ttfb_ms: durationMs.default(30_000),
  /** Longest pause between two chunks of the response body. */
  idle_ms: durationMs.default(60_000),
  total_ms: durationMs.default(300_000),
});
