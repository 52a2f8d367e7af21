/**
 * The policy's settings. The document is compiled when the policy is
 * written, so a broken document is a 400 naming its places
 * (`config.spec.paths./items.get.parameters.0.in`) instead of a policy that
 * fails on the first request.
 */
import { z } from "zod";
import { compileApi } from "./compile.ts";

// A document that is wrong everywhere would otherwise produce an answer as large as itself.
const MAX_REPORTED = 50;

export const openapiValidationSchema = z
  .object({
    /** The OpenAPI 3.0.x / 3.1.x document: inline, or as YAML or JSON text. */
    spec: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    /** A request the document does not describe: refused (404, or 405 with Allow), or let through unchecked. */
    unknown_operation: z.enum(["reject", "allow"]).default("reject"),
  })
  .strict()
  .superRefine((config, ctx) => {
    const compiled = compileApi(config.spec);
    if (compiled.ok) return;
    for (const issue of compiled.issues.slice(0, MAX_REPORTED)) {
      if (typeof config.spec !== "string") ctx.addIssue({ code: "custom", path: ["spec", ...issue.path], message: issue.message });
      else ctx.addIssue({ code: "custom", path: ["spec"], message: issue.path.length > 0 ? `at ${issue.path.join(".")}: ${issue.message}` : issue.message });
    }
  });

export type OpenapiValidationConfig = z.output<typeof openapiValidationSchema>;
