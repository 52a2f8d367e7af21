/** What the prompt API admin endpoints need from a running gateway: its current snapshot and its call recording. */
import { WaygateError } from "../../core/errors.ts";
import type { RunningGateway } from "../../gateway/server.ts";
import type { Snapshot } from "../../snapshot/snapshot.ts";
import type { CallRecord } from "../../telemetry/call-record.ts";

export interface PromptApiServices {
  snapshot(): Snapshot;
  /** Records a finished call like the proxy's own calls (call log, metrics, analytics). */
  record(record: CallRecord): void;
}

/** Services of a gateway started after the admin handler was built (as `waygate serve` does). */
export function gatewayPromptServices(gateway: () => RunningGateway | undefined): PromptApiServices {
  const running = (): RunningGateway => {
    const g = gateway();
    if (!g) throw new WaygateError("internal_error", "the gateway is still starting; try again in a moment", { status: 503 });
    return g;
  };
  return {
    snapshot: () => running().snapshots.current,
    record: (r) => running().record(r),
  };
}
