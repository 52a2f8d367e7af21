/**
 * Keywords and patterns compiled into regular expressions once. Keywords
 * become one alternation (longest first), anchored on letters and digits
 * rather than `\b`, so whole-word matching also holds for accented and
 * non-Latin words.
 */
import type { GuardrailConfig } from "./schema.ts";

export interface Matcher {
  /** Whether the text contains a denied keyword or pattern. */
  test(text: string): boolean;
  /** The longest stretch across whitespace one match may cover (see data-masking/hold-back.ts). */
  readonly reach: number;
}

// Only syntax characters: with the `u` flag any other escaped character is an error.
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

export function compileMatcher(config: GuardrailConfig): Matcher {
  const regexes: RegExp[] = [];
  let reach = 0;
  if (config.keywords.length > 0) {
    const sorted = [...new Set(config.keywords)].sort((a, b) => b.length - a.length);
    const alternation = sorted.map((k) => k.split(/\s+/).map(escape).join("\\s+")).join("|");
    const body = config.whole_words ? `(?<![\\p{L}\\p{N}_])(?:${alternation})(?![\\p{L}\\p{N}_])` : `(?:${alternation})`;
    regexes.push(new RegExp(body, config.case_sensitive ? "u" : "iu"));
    // A phrase may be stretched by longer whitespace runs than it was written with; allow for some.
    for (const k of sorted) if (/\s/.test(k)) reach = Math.max(reach, k.length + 32);
  }
  for (const p of config.patterns) {
    regexes.push(new RegExp(p.pattern, p.flags));
    reach = Math.max(reach, p.max_length);
  }
  return {
    reach,
    test: (text) => regexes.some((re) => re.test(text)),
  };
}
