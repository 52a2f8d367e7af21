import { z } from "zod";

const patternSchema = z
  .object({
    pattern: z.string().min(1).max(2000),
    /** JavaScript flags; `g` and `y` are not allowed. */
    flags: z.string().regex(/^(?!.*(.).*\1)[imsuv]*$/, "flags are any of i, m, s, u, v, each at most once").default(""),
    /** The longest match that spans several words; streams hold this much text back (single-word matches are held whole). */
    max_length: z.number().int().min(0).max(4096).default(64),
  })
  .strict()
  .superRefine((p, ctx) => {
    let re: RegExp;
    try {
      re = new RegExp(p.pattern, p.flags);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: `not a valid regular expression: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (re.test("")) ctx.addIssue({ code: "custom", path: ["pattern"], message: "the pattern matches empty text" });
  });

export const guardrailSchema = z
  .object({
    /** Words or phrases; whitespace inside a phrase matches any run of whitespace. */
    keywords: z.array(z.string().trim().min(1).max(200)).max(10_000).default([]),
    patterns: z.array(z.union([z.string().min(1).transform((pattern) => ({ pattern, flags: "", max_length: 64 })), patternSchema])).max(100).default([]),
    /** Keywords match whole words only (`class` does not match `classify`). */
    whole_words: z.boolean().default(true),
    case_sensitive: z.boolean().default(false),
    /** `request`: prompts (AI) and request bodies (REST); `response`: answers, streamed or not (AI only). */
    apply_to: z
      .array(z.enum(["request", "response"]))
      .min(1)
      .default(["request", "response"]),
    /** Told to the client instead of the default message; never the matched text. */
    message: z.string().min(1).max(500).optional(),
  })
  .strict()
  .refine((c) => c.keywords.length + c.patterns.length > 0, { message: "give at least one keyword or pattern", path: ["keywords"] });

export type GuardrailConfig = z.output<typeof guardrailSchema>;
