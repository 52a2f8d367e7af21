/** Every simulated provider, in the order `waygate mock-providers` lists them. */
import type { MockProviderHandler } from "./types.ts";
import { handler as anthropic } from "./providers/anthropic.ts";
import { handler as azure } from "./providers/azure.ts";
import { handler as bedrock } from "./providers/bedrock.ts";
import { handler as cohere } from "./providers/cohere.ts";
import { handler as gemini } from "./providers/gemini.ts";
import { handler as mistral } from "./providers/mistral.ts";
import { handler as openai } from "./providers/openai.ts";

export const MOCK_PROVIDERS: readonly MockProviderHandler[] = [openai, azure, anthropic, gemini, mistral, bedrock, cohere];
