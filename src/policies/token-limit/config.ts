/** The token_limit policy's configuration. */
import { z } from "zod";
import type { Usage } from "../../ai/types.ts";
import { CALENDAR_UNITS } from "../quota/calendar.ts";
import { QUOTA_KEYS } from "../quota/subject.ts";

export const TOKEN_KINDS = ["total", "input", "output"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const TokenLimitConfig = z
  .strictObject({
    /** Tokens per window. */
    limit: z.number().int().positive(),
    /** A calendar window in UTC. */
    window: z.enum(CALENDAR_UNITS),
    /** Whose tokens are counted together. */
    key: z.enum(QUOTA_KEYS),
    /** The request header whose value is the key (key: header only). */
    header: z.string().regex(HEADER_NAME, "must be an HTTP header name").optional(),
    /** Which tokens count: input + output (total), or one side only. */
    tokens: z.enum(TOKEN_KINDS).default("total"),
    /** When the counter store fails: true lets calls through (the default), false refuses them. */
    fault_tolerant: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    if (c.key === "header" && c.header === undefined) {
      ctx.addIssue({ code: "custom", path: ["header"], message: "key: header needs the header's name" });
    }
    if (c.key !== "header" && c.header !== undefined) {
      ctx.addIssue({ code: "custom", path: ["header"], message: "header is only used with key: header" });
    }
  });

export type TokenLimitConfig = z.output<typeof TokenLimitConfig>;

/** The tokens of one call that count against the limit (cached input and reasoning are part of input and output). */
export function countedTokens(usage: Usage, kind: TokenKind): number {
  const input = Math.max(0, Math.round(usage.inputTokens));
  const output = Math.max(0, Math.round(usage.outputTokens));
  if (kind === "input") return input;
  if (kind === "output") return output;
  return input + output;
}
