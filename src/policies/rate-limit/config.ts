/** The rate_limit policy's configuration. */
import { z } from "zod";

export const WINDOW_MS = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type WindowName = keyof typeof WINDOW_MS;

export const RATE_LIMIT_KEYS = ["application", "credential", "client_ip", "header"] as const;
export type RateLimitKey = (typeof RATE_LIMIT_KEYS)[number];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const RateLimitConfig = z
  .strictObject({
    /** Requests admitted per window. */
    limit: z.number().int().positive(),
    window: z.enum(Object.keys(WINDOW_MS) as [WindowName, ...WindowName[]]).optional(),
    /** A window of any length, instead of `window`. */
    window_ms: z.number().int().positive().max(WINDOW_MS.day * 31).optional(),
    /** Whose requests are counted together. */
    key: z.enum(RATE_LIMIT_KEYS),
    /** The request header whose value is the key (key: header only). */
    header: z.string().regex(HEADER_NAME, "must be an HTTP header name").optional(),
    /** When the counter store fails: true lets requests through (the default), false refuses them. */
    fault_tolerant: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    if ((c.window === undefined) === (c.window_ms === undefined)) {
      ctx.addIssue({ code: "custom", path: ["window"], message: "give exactly one of window (second, minute, hour, day) or window_ms" });
    }
    if (c.key === "header" && c.header === undefined) {
      ctx.addIssue({ code: "custom", path: ["header"], message: "key: header needs the header's name" });
    }
    if (c.key !== "header" && c.header !== undefined) {
      ctx.addIssue({ code: "custom", path: ["header"], message: "header is only used with key: header" });
    }
  });

export type RateLimitConfig = z.output<typeof RateLimitConfig>;

export function windowMs(config: RateLimitConfig): number {
  return config.window_ms ?? WINDOW_MS[config.window ?? "second"];
}

/** "minute", or "1500 ms" for a window given in milliseconds, for messages. */
export function windowLabel(config: RateLimitConfig): string {
  return config.window ?? `${config.window_ms} ms`;
}
