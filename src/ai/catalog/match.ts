/**
 * The match rules of the genai-prices data (equals / starts_with / contains
 * / regex, combined with and / or), evaluated on lower-cased model ids.
 */
import type { MatchLogic } from "@pydantic/genai-prices";

const regexCache = new Map<string, RegExp | null>();

function regex(source: string): RegExp | null {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, "i");
    } catch {
      re = null;
    }
    regexCache.set(source, re);
  }
  return re;
}

export function matches(logic: MatchLogic, id: string): boolean {
  if ("equals" in logic) return id === logic.equals.toLowerCase();
  if ("starts_with" in logic) return id.startsWith(logic.starts_with.toLowerCase());
  if ("ends_with" in logic) return id.endsWith(logic.ends_with.toLowerCase());
  if ("contains" in logic) return id.includes(logic.contains.toLowerCase());
  if ("regex" in logic) return regex(logic.regex)?.test(id) ?? false;
  if ("or" in logic) return logic.or.some((l) => matches(l, id));
  return logic.and.every((l) => matches(l, id));
}

/** The ids a rule names exactly (its `equals` alternatives), for the exact-match index. */
export function exactNames(logic: MatchLogic): string[] {
  if ("equals" in logic) return [logic.equals.toLowerCase()];
  if ("or" in logic) return logic.or.flatMap(exactNames);
  return [];
}
