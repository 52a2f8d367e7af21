/**
 * The configuration a masker is compiled from; shared by the data_masking
 * policy and anything else that masks text (such as captured bodies).
 */
import { z } from "zod";
import { DETECTOR_TYPES } from "./detectors.ts";

const ruleSchema = z
  .object({
    /** Names the hit (`[REDACTED:<name>]`) and counts. */
    name: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, _ and - only (at most 40)").default("custom"),
    pattern: z.string().min(1).max(2000),
    /** JavaScript flags; `g` and `d` are added by the gateway, `y` is not allowed. */
    flags: z.string().regex(/^(?!.*(.).*\1)[imsuv]*$/, "flags are any of i, m, s, u, v, each at most once").default(""),
    /** `$&` the whole match, `$1`… groups, `$<name>` named groups, `$$` a dollar; default: the policy's replacement. */
    replacement: z.string().max(500).optional(),
    /** The longest match that spans several words; streams hold this much text back (single-word matches are held whole). */
    max_length: z.number().int().min(0).max(4096).default(64),
  })
  .strict()
  .superRefine((rule, ctx) => {
    let re: RegExp;
    try {
      re = new RegExp(rule.pattern, rule.flags);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: `not a valid regular expression: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (re.test("")) ctx.addIssue({ code: "custom", path: ["pattern"], message: "the pattern matches empty text" });
  });

export const maskerConfigSchema = z
  .object({
    /** Built-in detectors to run; default all of them. */
    detectors: z.array(z.enum(DETECTOR_TYPES)).default([...DETECTOR_TYPES]),
    rules: z.array(ruleSchema).max(100).default([]),
    /** What a hit becomes; `{type}` is the detector's or the rule's name. */
    replacement: z.string().max(500).default("[REDACTED:{type}]"),
  })
  .strict();

export type MaskerConfig = z.output<typeof maskerConfigSchema>;
export type MaskerConfigInput = z.input<typeof maskerConfigSchema>;
