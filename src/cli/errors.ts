import { isWaygateError } from "../core/errors.ts";
import { err } from "./command.ts";

/** Prints a failure for a person: the code and message of a WaygateError, the message of anything else. */
export function reportFailure(prefix: string, e: unknown): void {
  if (isWaygateError(e)) {
    err(`${prefix}: ${e.message} [${e.code}]`);
    for (const d of e.details ?? []) err(`  ${d.path || "(document)"}: ${d.message}`);
  } else {
    err(`${prefix}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
