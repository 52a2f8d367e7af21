import { z } from "zod";
import { maskerConfigSchema } from "./masker-schema.ts";

export const dataMaskingSchema = maskerConfigSchema
  .extend({
    /**
     * `request`: request bodies (REST) and prompts (AI) are masked before the
     * upstream or provider sees them; `response`: response bodies and answers
     * before the client sees them.
     */
    apply_to: z
      .array(z.enum(["request", "response"]))
      .min(1)
      .default(["request", "response"]),
  })
  .strict();

export type DataMaskingConfig = z.output<typeof dataMaskingSchema>;
