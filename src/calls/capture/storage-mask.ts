/**
 * What masking captured bodies get before they are stored: every built-in
 * detector (emails, card numbers, IBANs, secrets…), JSON masked value by
 * value so a secret under a name like `password` goes whole.
 */
import { maskJsonText, textSyntax } from "../../policies/data-masking/body.ts";
import { compileMasker } from "../../policies/data-masking/masker.ts";
import { maskerConfigSchema } from "../../policies/data-masking/masker-schema.ts";
import type { MaskText } from "./text.ts";

const masker = compileMasker(maskerConfigSchema.parse({}));

export const storageMask: MaskText = (text, contentType) =>
  textSyntax(contentType) === "json" ? maskJsonText(masker, text, () => undefined) : masker.mask(text).text;
