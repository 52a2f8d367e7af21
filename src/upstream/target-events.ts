/**
 * State changes of a target worth remembering after the fact: the breaker
 * opening, probing and closing, an outlier ejection, active health checks
 * marking it down or up. Emitted synchronously where the change happens;
 * listeners must only enqueue (analytics records them off the hot path).
 */
export type TargetEventKind =
  | "breaker_opened"
  | "breaker_half_open"
  | "breaker_closed"
  | "outlier_ejected"
  | "health_check_failed"
  | "health_check_recovered";

export interface TargetEvent {
  kind: TargetEventKind;
  upstreamId: string;
  url: string;
  /** Epoch ms (the target's clock). */
  at: number;
  detail: Record<string, unknown>;
}

export type TargetEventListener = (event: TargetEvent) => void;
