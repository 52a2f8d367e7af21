/**
 * Masking a streamed answer: text is held until no match could still reach
 * into it, then released masked; log-probabilities, which would repeat the
 * unmasked tokens, are dropped.
 */
import type { ChatStreamFilter } from "../policy.ts";
import { heldTextFilter } from "./held-stream.ts";
import { releasePoint } from "./hold-back.ts";
import { type MaskMatch, type Masker, applyMatches } from "./masker.ts";

/** Replacements inside tool arguments land in JSON strings: quotes and backslashes must stay escaped. */
function forJson(matches: readonly MaskMatch[]): MaskMatch[] {
  return matches.map((m) => ({ ...m, replacement: JSON.stringify(m.replacement).slice(1, -1) }));
}

export function maskingStreamFilter(masker: Masker): ChatStreamFilter {
  return heldTextFilter({
    logprobs: "drop",
    release(text, final, json) {
      const matches = masker.scan(text);
      const cut = final ? text.length : releasePoint(text, masker.reach, matches);
      if (cut === 0) return { cut, out: "" };
      const before = matches.filter((m) => m.end <= cut);
      return { cut, out: applyMatches(text.slice(0, cut), json ? forJson(before) : before) };
    },
  });
}
