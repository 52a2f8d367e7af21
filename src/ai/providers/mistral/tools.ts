/** Mistral tool_choice: OpenAI's "required" is Mistral's "any". */
import type { ToolChoice } from "../../types.ts";

export type MistralToolChoice = "auto" | "none" | "any" | { type: "function"; function: { name: string } };

export function toMistralToolChoice(choice: ToolChoice): MistralToolChoice {
  if (choice === "required") return "any";
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}
