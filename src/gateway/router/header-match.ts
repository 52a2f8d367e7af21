/**
 * Header matchers, compiled once at add time. All conditions a matcher sets
 * must hold; a matcher that sets none only requires the header to be present.
 * Regexes are used as written (not anchored): use ^ and $ for a full match.
 */
import { WaygateError } from "../../core/errors.ts";
import type { HeaderMatch } from "./router.ts";

export interface CompiledHeader {
  name: string;
  mustBeAbsent: boolean;
  value: string | undefined;
  regex: RegExp | undefined;
}

function invalid(m: HeaderMatch, why: string): WaygateError {
  return new WaygateError("config_invalid", `invalid header matcher for ${JSON.stringify(m.name)}: ${why}`, {
    details: [{ path: "headers", message: why }],
  });
}

export function compileHeader(m: HeaderMatch): CompiledHeader {
  if (m.name.length === 0) throw invalid(m, "empty header name");
  const mustBeAbsent = m.present === false;
  if (mustBeAbsent && (m.value !== undefined || m.regex !== undefined)) {
    throw invalid(m, "present: false cannot be combined with value or regex");
  }
  let regex: RegExp | undefined;
  if (m.regex !== undefined) {
    try {
      regex = new RegExp(m.regex);
    } catch (e) {
      throw invalid(m, `bad regex: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { name: m.name.toLowerCase(), mustBeAbsent, value: m.value, regex };
}

export function headersMatch(matchers: readonly CompiledHeader[], headers: { get(name: string): string | null }): boolean {
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    const v = headers.get(m.name);
    if (v === null) {
      if (!m.mustBeAbsent) return false;
      continue;
    }
    if (m.mustBeAbsent) return false;
    if (m.value !== undefined && v !== m.value) return false;
    if (m.regex !== undefined && !m.regex.test(v)) return false;
  }
  return true;
}
