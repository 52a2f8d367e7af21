/** The built-in prompt API templates, listed at GET /admin/prompt-apis/templates. */
import { classification } from "./classification.ts";
import { extraction } from "./extraction.ts";
import { sentiment } from "./sentiment.ts";
import { summarisation } from "./summarisation.ts";
import type { PromptTemplate } from "./template.ts";
import { translation } from "./translation.ts";

export type { PromptTemplate };

export const PROMPT_TEMPLATES: readonly PromptTemplate[] = [sentiment, translation, summarisation, classification, extraction];

export function promptTemplate(name: string): PromptTemplate | undefined {
  return PROMPT_TEMPLATES.find((t) => t.name === name);
}
