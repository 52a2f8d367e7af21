import { z } from "zod";
import { originEntryProblem } from "./origins.ts";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const origin = z.string().superRefine((s, ctx) => {
  const problem = originEntryProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const token = z.string().refine((s) => TOKEN.test(s), { message: "not a valid HTTP token" });

export const corsSchema = z
  .object({
    origins: z.array(origin).min(1),
    /** `*` allows any method. */
    methods: z.array(token).default(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
    /** Request headers a preflight may ask for; `*` allows any. */
    headers: z.array(token).default([]),
    /** Response headers scripts may read beyond the CORS-safelisted ones. */
    expose_headers: z.array(token).default([]),
    credentials: z.boolean().default(false),
    /** How long browsers may cache a preflight answer; omitted means the browser's default. */
    max_age_s: z.number().int().nonnegative().optional(),
  })
  .strict();

export type CorsConfig = z.output<typeof corsSchema>;
