/**
 * A guardrail over a streamed answer: text is held until no denied keyword
 * or pattern could still reach into it, so a match split across chunks is
 * caught before any of it reaches the client; a match ends the stream.
 */
import type { WaygateError } from "../../core/errors.ts";
import { heldTextFilter } from "../data-masking/held-stream.ts";
import { releasePoint } from "../data-masking/hold-back.ts";
import type { ChatStreamFilter } from "../policy.ts";
import type { Matcher } from "./matcher.ts";

export function guardrailStreamFilter(matcher: Matcher, refuse: () => WaygateError): ChatStreamFilter {
  return heldTextFilter({
    logprobs: "hold",
    release(text, final) {
      if (matcher.test(text)) return refuse();
      const cut = final ? text.length : releasePoint(text, matcher.reach, []);
      return { cut, out: text.slice(0, cut) };
    },
  });
}
