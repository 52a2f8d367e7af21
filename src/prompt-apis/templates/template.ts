/** A built-in prompt API a team can instantiate under one of its AI services, with its own name, path and model. */
import type { PromptApiInput } from "../entity.ts";
import type { z } from "zod";

type Input = z.input<typeof PromptApiInput>;

export interface PromptTemplate {
  name: string;
  description: string;
  messages: Input["messages"];
  input_schema: Record<string, unknown>;
  output_schema?: Record<string, unknown>;
  parameters: NonNullable<Input["parameters"]>;
  stream: NonNullable<Input["stream"]>;
  /** Variables a call could send, for documentation and for trying the template out. */
  example: Record<string, unknown>;
}
